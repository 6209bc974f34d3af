import { createApp } from './app.js';
import { connect, migrate, settingsFromEnv } from './db.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

// The database first: the migrations that have not run yet are applied before the server accepts requests.
const db = connect(settingsFromEnv());
try {
  const { applied } = await migrate(db);
  if (applied.length > 0) console.log(`Database migrated: ${applied.join(', ')}`);
} catch (error) {
  console.error('The database could not be migrated:', error.message);
  await db.destroy();
  process.exit(1);
}

const app = createApp({ db });
const server = app.listen(port, host, () => {
  const { address, port: actualPort } = server.address();
  console.log(`API listening on http://${address}:${actualPort}`);
});

function shutdown(signal) {
  console.log(`${signal} received, closing the server`);
  server.close(async () => {
    await db.destroy();
    process.exit(0);
  });
  server.closeIdleConnections();
  // Long-lived responses (the live event stream) end here, so that the server can close.
  app.emit('shutdown');
}

process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
