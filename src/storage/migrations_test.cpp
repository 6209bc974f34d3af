#include "storage/migrations.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "storage/embedded_sql.hpp"
#include "storage/test_database.hpp"

namespace dihya::storage {
namespace {

using testing::TestDatabase;

std::vector<int> Versions(const std::vector<Migration>& migrations) {
    std::vector<int> out;
    out.reserve(migrations.size());
    for (const auto& m : migrations) out.push_back(m.version);
    return out;
}

TEST(MigrationsEmbedded, ValidForBothDialectsAndStartWithCore) {
    auto sqlite = EmbeddedMigrations(Dialect::kSqlite);
    auto postgres = EmbeddedMigrations(Dialect::kPostgres);
    ASSERT_FALSE(sqlite.empty());
    EXPECT_EQ(Versions(sqlite), Versions(postgres));
    EXPECT_EQ(sqlite.front().version, 1);
    EXPECT_EQ(sqlite.front().name, "core");
    EXPECT_FALSE(sqlite.front().sql.empty());
    EXPECT_EQ(sql::EmbeddedFile("migrations/001_core.sql"), sqlite.front().sql);
    EXPECT_TRUE(sql::EmbeddedFile("migrations/none.sql").empty());
}

TEST(MigrationsParse, PicksTheDialectFileAndSorts) {
    std::vector<MigrationFile> files = {
        {"migrations/010_later.sql", "C"},
        {"migrations/002_split.postgres.sql", "PG"},
        {"migrations/001_first.sql", "A"},
        {"migrations/002_split.sqlite.sql", "LITE"},
    };
    auto lite = ParseMigrations(Dialect::kSqlite, files);
    ASSERT_TRUE(lite.ok()) << lite.error().message;
    EXPECT_EQ(Versions(*lite), (std::vector<int>{1, 2, 10}));
    EXPECT_EQ((*lite)[1].name, "split");
    EXPECT_EQ((*lite)[1].sql, "LITE");
    auto pg = ParseMigrations(Dialect::kPostgres, files);
    ASSERT_TRUE(pg.ok());
    EXPECT_EQ((*pg)[1].sql, "PG");
    EXPECT_EQ((*pg)[2].name, "later");
}

TEST(MigrationsParse, RejectsBadSets) {
    auto expect_invalid = [](std::vector<MigrationFile> files, std::string_view needle) {
        auto r = ParseMigrations(Dialect::kSqlite, files);
        ASSERT_FALSE(r.ok()) << needle;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
    };
    expect_invalid({{"001_a.sql", ""}, {"001_b.sql", ""}}, "duplicate migration version 1");
    expect_invalid({{"001_a.sql", ""}, {"1_a.sql", ""}}, "duplicate");
    expect_invalid({{"002_a.sql", ""}, {"002_a.sqlite.sql", ""}}, "duplicate");
    expect_invalid({{"003_a.sqlite.sql", ""}, {"003_b.postgres.sql", ""}}, "duplicate");
    expect_invalid({{"004_a.sqlite.sql", ""}}, "needs both");
    expect_invalid({{"core.sql", ""}}, "bad migration file name");
    expect_invalid({{"000_zero.sql", ""}}, "bad migration file name");
    expect_invalid({{"005_Upper.sql", ""}}, "bad migration file name");
    expect_invalid({{"006_.sql", ""}}, "bad migration file name");
}

TEST(MigrationsChecksum, StableAndSensitiveToEdits) {
    EXPECT_EQ(MigrationChecksum("CREATE TABLE a (x TEXT);\n"), MigrationChecksum("CREATE TABLE a (x TEXT);\n"));
    EXPECT_EQ(MigrationChecksum("CREATE TABLE a (x TEXT);\r\n"), MigrationChecksum("CREATE TABLE a (x TEXT);\n"));
    EXPECT_NE(MigrationChecksum("CREATE TABLE a (x TEXT);"), MigrationChecksum("CREATE TABLE a (y TEXT);"));
    EXPECT_EQ(MigrationChecksum("").size(), 16u);
}

class MigrateTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto created = test_db_.Create();
        ASSERT_TRUE(created.ok()) << created.error().message;
        auto db = test_db_.Open();
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
    }

    int Version() {
        auto v = SchemaVersion(*db_);
        EXPECT_TRUE(v.ok()) << v.error().message;
        return v.ok() ? *v : -1;
    }

    TestDatabase test_db_;
    std::unique_ptr<Db> db_;
};

TEST_F(MigrateTest, AppliesEmbeddedMigrationsOnce) {
    auto migrations = EmbeddedMigrations(db_->dialect());
    EXPECT_EQ(Version(), 0);

    auto first = Migrate(*db_, migrations);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(Versions(*first), Versions(migrations));
    EXPECT_EQ(Version(), migrations.back().version);

    auto second = Migrate(*db_, migrations);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_TRUE(second->empty());
    EXPECT_EQ(Version(), migrations.back().version);

    // 001_core: the instance table holds at most one row.
    std::vector<Value> row{std::string("inst-1"), std::string("2024-01-01T00:00:00Z")};
    ASSERT_TRUE(db_->Execute("INSERT INTO instance (id, created_at) VALUES ($1, $2)", row).ok());
    std::vector<Value> another{std::string("inst-2"), std::string("2024-01-01T00:00:00Z")};
    auto dup = db_->Execute("INSERT INTO instance (id, created_at) VALUES ($1, $2)", another);
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(MigrateTest, StatusReportsPendingThenApplied) {
    std::vector<Migration> migrations = {{1, "a", "CREATE TABLE a (x TEXT)"}, {2, "b", "CREATE TABLE b (x TEXT)"}};
    auto before = MigrationStatus(*db_, migrations);
    ASSERT_TRUE(before.ok()) << before.error().message;
    ASSERT_EQ(before->size(), 2u);
    EXPECT_FALSE((*before)[0].applied);
    EXPECT_TRUE((*before)[0].applied_at.empty());

    std::vector<Migration> only_first(migrations.begin(), migrations.begin() + 1);
    ASSERT_TRUE(Migrate(*db_, only_first).ok());
    auto after = MigrationStatus(*db_, migrations);
    ASSERT_TRUE(after.ok()) << after.error().message;
    ASSERT_EQ(after->size(), 2u);
    EXPECT_TRUE((*after)[0].applied);
    EXPECT_EQ((*after)[0].name, "a");
    EXPECT_EQ((*after)[0].applied_at.size(), 20u) << (*after)[0].applied_at;  // 2024-01-01T00:00:00Z
    EXPECT_FALSE((*after)[0].modified);
    EXPECT_FALSE((*after)[1].applied);

    auto rest = Migrate(*db_, migrations);
    ASSERT_TRUE(rest.ok());
    EXPECT_EQ(Versions(*rest), std::vector<int>{2});
}

TEST_F(MigrateTest, RefusesAMigrationEditedAfterItWasApplied) {
    std::vector<Migration> original = {{1, "a", "CREATE TABLE a (x TEXT)"}};
    ASSERT_TRUE(Migrate(*db_, original).ok());
    std::vector<Migration> edited = {{1, "a", "CREATE TABLE a (x TEXT, y TEXT)"}, {2, "b", "CREATE TABLE b (x TEXT)"}};
    auto r = Migrate(*db_, edited);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
    EXPECT_NE(r.error().message.find("001_a"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("checksum"), std::string::npos) << r.error().message;
    EXPECT_EQ(Version(), 1) << "nothing applied after the refusal";

    auto status = MigrationStatus(*db_, edited);
    ASSERT_TRUE(status.ok());
    EXPECT_TRUE((*status)[0].modified);
}

TEST_F(MigrateTest, RefusesADatabaseNewerThanTheBinary) {
    std::vector<Migration> newer = {{1, "a", "CREATE TABLE a (x TEXT)"}, {2, "b", "CREATE TABLE b (x TEXT)"}};
    ASSERT_TRUE(Migrate(*db_, newer).ok());
    std::vector<Migration> older(newer.begin(), newer.begin() + 1);
    auto r = Migrate(*db_, older);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
    EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;

    auto status = MigrationStatus(*db_, older);
    ASSERT_TRUE(status.ok());
    ASSERT_EQ(status->size(), 2u);
    EXPECT_TRUE((*status)[1].unknown);
    EXPECT_EQ((*status)[1].name, "b");
}

TEST_F(MigrateTest, RefusesAPendingMigrationOlderThanAnAppliedOne) {
    std::vector<Migration> gap = {{1, "a", "CREATE TABLE a (x TEXT)"}, {3, "c", "CREATE TABLE c (x TEXT)"}};
    ASSERT_TRUE(Migrate(*db_, gap).ok());
    std::vector<Migration> filled = {gap[0], {2, "b", "CREATE TABLE b (x TEXT)"}, gap[1]};
    auto r = Migrate(*db_, filled);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
    EXPECT_NE(r.error().message.find("002_b"), std::string::npos) << r.error().message;
}

TEST_F(MigrateTest, AFailingMigrationIsRolledBackAndStopsTheRun) {
    std::vector<Migration> migrations = {
        {1, "ok", "CREATE TABLE a (x TEXT)"},
        {2, "broken", "CREATE TABLE b (x TEXT); INSERT INTO no_such_table (x) VALUES ('v');"},
        {3, "after", "CREATE TABLE c (x TEXT)"},
    };
    auto r = Migrate(*db_, migrations);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("002_broken"), std::string::npos) << r.error().message;
    EXPECT_EQ(Version(), 1);
    EXPECT_FALSE(db_->Query("SELECT x FROM b").ok()) << "migration 2 must be rolled back as a whole";
    EXPECT_FALSE(db_->Query("SELECT x FROM c").ok());
    EXPECT_TRUE(db_->Query("SELECT x FROM a").ok());
}

TEST_F(MigrateTest, RejectsUnsortedInput) {
    std::vector<Migration> unsorted = {{2, "b", "SELECT 1"}, {1, "a", "SELECT 1"}};
    auto r = Migrate(*db_, unsorted);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(MigrateTest, ConcurrentMigratorsApplyEachMigrationOnce) {
    // Not idempotent on purpose: applying any of these twice fails.
    std::vector<Migration> migrations = {
        {1, "a", "CREATE TABLE a (x TEXT)"},
        {2, "b", "CREATE TABLE b (x TEXT); INSERT INTO b (x) VALUES ('once');"},
        {3, "c", "CREATE TABLE c (x TEXT)"},
        {4, "d", "CREATE TABLE d (x TEXT)"},
    };
    constexpr int kMigrators = 4;
    std::vector<std::unique_ptr<Db>> dbs;
    for (int i = 0; i < kMigrators; ++i) {
        auto db = test_db_.Open(DbOptions{2, 10000});
        ASSERT_TRUE(db.ok()) << db.error().message;
        dbs.push_back(std::move(*db));
    }
    std::vector<std::size_t> applied(kMigrators);
    std::vector<std::string> errors(kMigrators);
    std::vector<std::thread> threads;
    threads.reserve(kMigrators);
    for (int i = 0; i < kMigrators; ++i) {
        threads.emplace_back([&, i] {
            auto r = Migrate(*dbs[static_cast<std::size_t>(i)], migrations);
            if (!r) {
                errors[static_cast<std::size_t>(i)] = r.error().message;
                return;
            }
            applied[static_cast<std::size_t>(i)] = r->size();
        });
    }
    for (auto& t : threads) t.join();
    std::size_t total = 0;
    for (int i = 0; i < kMigrators; ++i) {
        EXPECT_TRUE(errors[static_cast<std::size_t>(i)].empty()) << errors[static_cast<std::size_t>(i)];
        total += applied[static_cast<std::size_t>(i)];
    }
    EXPECT_EQ(total, migrations.size());
    EXPECT_EQ(Version(), 4);
    auto rows = db_->Query("SELECT COUNT(*) AS n FROM b");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->GetInt(0, "n"), 1);
    auto recorded = db_->Query("SELECT COUNT(*) AS n FROM schema_migrations");
    ASSERT_TRUE(recorded.ok());
    EXPECT_EQ(recorded->GetInt(0, "n"), 4);
}

}  // namespace
}  // namespace dihya::storage
