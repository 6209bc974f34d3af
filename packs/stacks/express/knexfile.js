// The knex command line (npx knex ..., npm run migrate) uses the application's own settings:
// DATABASE_URL for PostgreSQL, else the SQLite file (SQLITE_FILE, or DATA_DIR/app.sqlite, default data/app.sqlite).
import { databaseConfig, settingsFromEnv } from './src/db.js';

export default databaseConfig(settingsFromEnv());
