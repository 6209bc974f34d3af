#include "storage/db.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <future>
#include <latch>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "storage/test_database.hpp"

namespace dihya::storage {
namespace {

using testing::TestDatabase;
using testing::UsingPostgres;

/// Waits (without sleeping) until pred() holds; false after 10 s.
template <class Pred>
bool Eventually(Pred pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::yield();
    }
    return true;
}

Blob AllBytes() {
    Blob blob;
    for (int i = 0; i < 256; ++i) blob.bytes.push_back(static_cast<std::uint8_t>(i));
    return blob;
}

class DbTest : public ::testing::Test {
protected:
    void SetUp() override { Open({}); }

    void Open(const DbOptions& options) {
        if (url_.empty()) {
            auto created = test_db_.Create();
            ASSERT_TRUE(created.ok()) << created.error().message;
            url_ = test_db_.Url();
        }
        db_.reset();
        auto db = test_db_.Open(options);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
    }

    void Exec(std::string_view sql, std::vector<Value> params = {}) {
        auto r = db_->Execute(sql, params);
        ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
    }

    std::int64_t Count(std::string_view table) {
        auto rows = db_->Query("SELECT COUNT(*) AS n FROM " + std::string(table));
        EXPECT_TRUE(rows.ok()) << rows.error().message;
        return rows.ok() ? rows->GetInt(0, "n").value_or(-1) : -1;
    }

    TestDatabase test_db_;
    std::string url_;
    std::unique_ptr<Db> db_;
};

TEST_F(DbTest, RoundTripsEveryValueType) {
    // BYTEA and DOUBLE PRECISION are valid on both: SQLite keeps blobs as blobs in any column.
    Exec("CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, t TEXT, b BYTEA)");
    const std::string text = "h\xC3\xA9llo \xE2\x9C\x93 \xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A 'quoted' $1";
    std::vector<std::vector<Value>> inputs = {
        {std::int64_t{1}, std::numeric_limits<std::int64_t>::max(), 0.1, text, AllBytes()},
        {std::int64_t{2}, std::numeric_limits<std::int64_t>::min(), -1.5e300, std::string(), Blob{}},
        {std::int64_t{3}, std::monostate{}, std::monostate{}, std::monostate{}, std::monostate{}},
    };
    for (const auto& params : inputs) {
        Exec("INSERT INTO vals (id, i, d, t, b) VALUES ($1, $2, $3, $4, $5)", params);
    }

    auto rows = db_->Query("SELECT id, i, d, t, b FROM vals ORDER BY id");
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ(rows->columns(), (std::vector<std::string>{"id", "i", "d", "t", "b"}));
    for (std::size_t r = 0; r < inputs.size(); ++r) {
        for (std::size_t c = 0; c < inputs[r].size(); ++c) {
            EXPECT_EQ(rows->row(r)[c], inputs[r][c]) << "row " << r << " column " << rows->columns()[c];
        }
    }

    EXPECT_EQ(rows->column("t"), 3);
    EXPECT_EQ(rows->column("missing"), -1);
    EXPECT_EQ(rows->GetInt(0, "i"), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(rows->GetDouble(0, "d"), 0.1);
    EXPECT_EQ(rows->GetText(0, "t"), text);
    EXPECT_EQ(rows->GetText(0, "id"), "1");
    EXPECT_EQ(rows->GetInt(2, "i"), std::nullopt);
    EXPECT_EQ(rows->GetText(2, "t"), std::nullopt);
    EXPECT_TRUE(std::holds_alternative<std::monostate>(rows->at(0, "missing")));

    // Parameters filter too, and a blob is matched byte for byte.
    std::vector<Value> by_blob{AllBytes()};
    auto found = db_->Query("SELECT id FROM vals WHERE b = $1", by_blob);
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ(found->GetInt(0, "id"), 1);
}

TEST_F(DbTest, ReportsAffectedRows) {
    Exec("CREATE TABLE items (id BIGINT PRIMARY KEY, kind TEXT NOT NULL)");
    for (std::int64_t i = 1; i <= 5; ++i)
        Exec("INSERT INTO items (id, kind) VALUES ($1, $2)", {i, i % 2 ? "odd" : "even"});
    std::vector<Value> odd{std::string("odd")};
    auto updated = db_->Execute("UPDATE items SET kind = 'odd!' WHERE kind = $1", odd);
    ASSERT_TRUE(updated.ok()) << updated.error().message;
    EXPECT_EQ(*updated, 3);
    auto none = db_->Execute("DELETE FROM items WHERE id > 100");
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, 0);
    auto ddl = db_->Execute("CREATE TABLE other (id BIGINT)");
    ASSERT_TRUE(ddl.ok());
    EXPECT_EQ(*ddl, 0);
    auto deleted = db_->Execute("DELETE FROM items");
    ASSERT_TRUE(deleted.ok());
    EXPECT_EQ(*deleted, 5);
}

TEST_F(DbTest, InsertReturningThroughQuery) {
    Exec("CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT)");
    std::vector<Value> params{std::int64_t{7}, std::string("hi")};
    auto rows = db_->Query("INSERT INTO notes (id, body) VALUES ($1, $2) RETURNING id, body", params);
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->GetInt(0, "id"), 7);
    EXPECT_EQ(Count("notes"), 1);
}

TEST_F(DbTest, ConstraintViolationsAreTyped) {
    Exec("CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE, age BIGINT CHECK (age >= 0))");
    Exec("CREATE TABLE posts (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id))");
    const std::string email = "alice-private@example.com";
    Exec("INSERT INTO users (id, email, age) VALUES ($1, $2, $3)", {std::int64_t{1}, email, std::int64_t{30}});

    std::vector<Value> same_id{std::int64_t{1}, std::string("other@example.com"), std::int64_t{1}};
    auto dup_pk = db_->Execute("INSERT INTO users (id, email, age) VALUES ($1, $2, $3)", same_id);
    ASSERT_FALSE(dup_pk.ok());
    EXPECT_EQ(dup_pk.error().code, ErrorCode::kAlreadyExists) << dup_pk.error().message;

    std::vector<Value> same_email{std::int64_t{2}, email, std::int64_t{1}};
    auto dup_email = db_->Execute("INSERT INTO users (id, email, age) VALUES ($1, $2, $3)", same_email);
    ASSERT_FALSE(dup_email.ok());
    EXPECT_EQ(dup_email.error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(dup_email.error().message.find(email), std::string::npos) << dup_email.error().message;

    std::vector<Value> negative{std::int64_t{3}, std::string("c@example.com"), std::int64_t{-4}};
    auto check = db_->Execute("INSERT INTO users (id, email, age) VALUES ($1, $2, $3)", negative);
    ASSERT_FALSE(check.ok());
    EXPECT_EQ(check.error().code, ErrorCode::kConflict);

    std::vector<Value> null_email{std::int64_t{4}, std::monostate{}, std::int64_t{1}};
    auto not_null = db_->Execute("INSERT INTO users (id, email, age) VALUES ($1, $2, $3)", null_email);
    ASSERT_FALSE(not_null.ok());
    EXPECT_EQ(not_null.error().code, ErrorCode::kConflict);

    std::vector<Value> orphan{std::int64_t{1}, std::int64_t{99}};
    auto fk = db_->Execute("INSERT INTO posts (id, user_id) VALUES ($1, $2)", orphan);
    ASSERT_FALSE(fk.ok()) << "foreign keys must be enforced";
    EXPECT_EQ(fk.error().code, ErrorCode::kConflict);

    EXPECT_EQ(Count("users"), 1);
}

TEST_F(DbTest, StatementErrorsAreReportedNotThrown) {
    auto syntax = db_->Query("SELEC nonsense");
    ASSERT_FALSE(syntax.ok());
    EXPECT_EQ(syntax.error().code, ErrorCode::kInternal);

    auto missing = db_->Query("SELECT * FROM no_such_table");
    ASSERT_FALSE(missing.ok());

    auto too_few = db_->Query("SELECT $1 AS x");
    ASSERT_FALSE(too_few.ok());

    auto two = db_->Execute("CREATE TABLE a (x TEXT); CREATE TABLE b (x TEXT)");
    EXPECT_FALSE(two.ok()) << "Execute takes one statement";

    // The connection is still fine afterwards.
    auto one = db_->Query("SELECT 1 AS one");
    ASSERT_TRUE(one.ok()) << one.error().message;
    EXPECT_EQ(one->GetInt(0, "one"), 1);
    EXPECT_TRUE(db_->Ping().ok());
}

TEST_F(DbTest, TransactionCommitsOrRollsBack) {
    Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");

    auto committed = db_->Transaction([](Session& s) -> Result<void> {
        for (std::int64_t i = 1; i <= 3; ++i) {
            std::vector<Value> p{i};
            if (auto r = s.Execute("INSERT INTO t (id) VALUES ($1)", p); !r) return r.take_error();
        }
        auto inside = s.Query("SELECT COUNT(*) AS n FROM t");
        if (!inside || inside->GetInt(0, "n") != 3) return MakeError(ErrorCode::kInternal, "own writes not visible");
        return Ok();
    });
    ASSERT_TRUE(committed.ok()) << committed.error().message;
    EXPECT_EQ(Count("t"), 3);

    // An error returned by fn rolls back and comes back unchanged.
    auto failed = db_->Transaction([](Session& s) -> Result<void> {
        std::vector<Value> p{std::int64_t{10}};
        if (auto r = s.Execute("INSERT INTO t (id) VALUES ($1)", p); !r) return r.take_error();
        return MakeError(ErrorCode::kPermissionDenied, "nope");
    });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(failed.error().message, "nope");
    EXPECT_EQ(Count("t"), 3);

    // A failing statement: its error propagates and the earlier insert is undone.
    auto violated = db_->Transaction([](Session& s) -> Result<void> {
        std::vector<Value> p{std::int64_t{11}};
        if (auto r = s.Execute("INSERT INTO t (id) VALUES ($1)", p); !r) return r.take_error();
        std::vector<Value> dup{std::int64_t{1}};
        if (auto r = s.Execute("INSERT INTO t (id) VALUES ($1)", dup); !r) return r.take_error();
        return Ok();
    });
    ASSERT_FALSE(violated.ok());
    EXPECT_EQ(violated.error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(Count("t"), 3);

    // An exception rolls back and propagates; the database stays usable.
    EXPECT_THROW((void)db_->Transaction([](Session& s) -> Result<void> {
        std::vector<Value> p{std::int64_t{12}};
        (void)s.Execute("INSERT INTO t (id) VALUES ($1)", p);
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    EXPECT_EQ(Count("t"), 3);
    Exec("INSERT INTO t (id) VALUES (4)");
    EXPECT_EQ(Count("t"), 4);
}

TEST_F(DbTest, ReadTransactionSeesCommittedData) {
    Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
    Exec("INSERT INTO t (id) VALUES (1)");
    std::int64_t seen = -1;
    auto r = db_->Transaction(
        [&](Session& s) -> Result<void> {
            auto rows = s.Query("SELECT COUNT(*) AS n FROM t");
            if (!rows) return rows.take_error();
            seen = rows->GetInt(0, "n").value_or(-1);
            return Ok();
        },
        TxKind::kRead);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(seen, 1);
}

TEST_F(DbTest, ConcurrentWritersLoseNoUpdates) {
    Open(DbOptions{4, 5000});
    Exec("CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
    Exec("CREATE TABLE log (thread BIGINT NOT NULL, i BIGINT NOT NULL, PRIMARY KEY (thread, i))");
    Exec("INSERT INTO counter (id, n) VALUES (1, 0)");

    constexpr int kThreads = 8;
    constexpr int kIterations = 40;
    std::atomic<int> failures{0};
    std::vector<std::string> errors(kThreads);
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kIterations; ++i) {
                auto r = db_->Transaction([&](Session& s) -> Result<void> {
                    if (auto u = s.Execute("UPDATE counter SET n = n + 1 WHERE id = 1"); !u) return u.take_error();
                    std::vector<Value> p{std::int64_t{t}, std::int64_t{i}};
                    if (auto u = s.Execute("INSERT INTO log (thread, i) VALUES ($1, $2)", p); !u) return u.take_error();
                    return Ok();
                });
                if (r && i % 4 == 0) {
                    auto q = db_->Query("SELECT n FROM counter WHERE id = 1");
                    if (!q) r = q.take_error();
                }
                if (!r) {
                    ++failures;
                    errors[static_cast<std::size_t>(t)] = r.error().message;
                    return;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;
    ASSERT_EQ(failures.load(), 0);
    auto rows = db_->Query("SELECT n FROM counter WHERE id = 1");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->GetInt(0, "n"), kThreads * kIterations);
    EXPECT_EQ(Count("log"), kThreads * kIterations);
}

TEST_F(DbTest, PoolStatsReportInUseAndWaiting) {
    Open(DbOptions{2, 10000});
    std::latch entered(2);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    auto hold = [&] {
        return db_->Transaction(
            [&](Session& s) -> Result<void> {
                auto r = s.Query("SELECT 1 AS one");
                if (!r) return r.take_error();
                entered.count_down();
                released.wait();
                return Ok();
            },
            TxKind::kRead);
    };
    auto a = std::async(std::launch::async, hold);
    auto b = std::async(std::launch::async, hold);
    entered.wait();
    PoolStats busy = db_->Stats();
    EXPECT_EQ(busy.in_use, 2u);
    EXPECT_GE(busy.size, 2u);
    EXPECT_EQ(busy.waiting, 0u);

    auto c = std::async(std::launch::async, [&] { return db_->Query("SELECT 2 AS two"); });
    EXPECT_TRUE(Eventually([&] { return db_->Stats().waiting == 1; })) << "the third caller should wait";
    release.set_value();
    EXPECT_TRUE(a.get().ok());
    EXPECT_TRUE(b.get().ok());
    auto third = c.get();
    ASSERT_TRUE(third.ok()) << third.error().message;
    EXPECT_EQ(third->GetInt(0, "two"), 2);

    PoolStats idle = db_->Stats();
    EXPECT_EQ(idle.in_use, 0u);
    EXPECT_EQ(idle.waiting, 0u);
    EXPECT_LE(idle.size, UsingPostgres() ? 2u : 3u);  // SQLite: 2 readers + the writer
}

TEST_F(DbTest, ExhaustedPoolTimesOutAsUnavailable) {
    Open(DbOptions{1, 50});
    std::latch entered(1);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    auto holder = std::async(std::launch::async, [&] {
        return db_->Transaction(
            [&](Session&) -> Result<void> {
                entered.count_down();
                released.wait();
                return Ok();
            },
            TxKind::kRead);
    });
    entered.wait();
    auto r = db_->Query("SELECT 1 AS one");
    release.set_value();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_TRUE(holder.get().ok());
    EXPECT_TRUE(db_->Query("SELECT 1 AS one").ok());
}

TEST_F(DbTest, DescribeAndDialect) {
    EXPECT_EQ(db_->dialect(), UsingPostgres() ? Dialect::kPostgres : Dialect::kSqlite);
    EXPECT_EQ(db_->Describe(), RedactDatabaseUrl(url_));
    EXPECT_TRUE(db_->Ping().ok());
}

// --- URLs -------------------------------------------------------------------------------------

TEST(StorageUrl, RedactRemovesPasswords) {
    EXPECT_EQ(RedactDatabaseUrl("postgresql://bob:s3cret@db.example:5432/app"), "postgresql://bob@db.example:5432/app");
    EXPECT_EQ(RedactDatabaseUrl("postgres://bob@h/app?sslmode=require&password=s3cret&x=1"),
              "postgres://bob@h/app?sslmode=require&x=1");
    EXPECT_EQ(RedactDatabaseUrl("postgresql://h/app?password=s3cret"), "postgresql://h/app");
    EXPECT_EQ(RedactDatabaseUrl("postgresql://bob:p%40ss@h/app"), "postgresql://bob@h/app");
    EXPECT_EQ(RedactDatabaseUrl("sqlite:///var/lib/dihya/db.sqlite"), "sqlite:///var/lib/dihya/db.sqlite");
    EXPECT_EQ(RedactDatabaseUrl("sqlite::memory:"), "sqlite::memory:");
}

TEST(StorageUrl, BadUrlsAreInvalidArgumentsWithoutSecrets) {
    for (const std::string url : {"mysql://root:hunter2@localhost/db", "", "hunter2", "sqlite:", "sqlite:/x.db",
                                  "postgresql:hunter2", "sqlite://", "postgresql://u:hunt%zz2@h/db"}) {
        auto db = OpenDatabase(url);
        ASSERT_FALSE(db.ok()) << url;
        EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument) << url << ": " << db.error().message;
        EXPECT_EQ(db.error().message.find("hunt"), std::string::npos) << db.error().message;
        EXPECT_FALSE(db.error().message.empty());
    }
    auto mysql = OpenDatabase("mysql://root:hunter2@localhost/db");
    EXPECT_NE(mysql.error().message.find("'mysql'"), std::string::npos) << mysql.error().message;
}

TEST(StorageUrl, UnreachablePostgresIsUnavailableWithoutPassword) {
    auto db = OpenDatabase("postgresql://dihya:hunter2@127.0.0.1:1/app", DbOptions{1, 2000});
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, ErrorCode::kUnavailable) << db.error().message;
    EXPECT_EQ(db.error().message.find("hunter2"), std::string::npos) << db.error().message;
}

// --- SQLite specifics ---------------------------------------------------------------------------

class StorageSqlite : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = testing::TempRoot() / ("dihya-sqlite-" + testing::RandomSuffix());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::filesystem::path dir_;
};

TEST_F(StorageSqlite, CreatesParentDirectoriesAndUsesWal) {
    auto path = dir_ / "a" / "b" / "app.db";
    auto db = OpenDatabase("sqlite://" + path.string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ((*db)->Describe(), "sqlite://" + path.string());
    auto mode = (*db)->Query("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok()) << mode.error().message;
    EXPECT_EQ(mode->GetText(0, "journal_mode"), "wal");
    auto fk = (*db)->Query("PRAGMA foreign_keys");
    ASSERT_TRUE(fk.ok());
    EXPECT_EQ(fk->GetInt(0, "foreign_keys"), 1);
    auto sync = (*db)->Query("PRAGMA synchronous");
    ASSERT_TRUE(sync.ok());
    EXPECT_EQ(sync->GetInt(0, "synchronous"), 1) << "NORMAL";
}

TEST_F(StorageSqlite, AFullDatabaseIsInsufficientStorageAndKeepsWhatItHad) {
    auto db = OpenDatabase("sqlite://" + (dir_ / "full.db").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE((*db)->Execute("CREATE TABLE t (id BIGINT PRIMARY KEY, body TEXT NOT NULL)").ok());
    // The writer connection may not grow the file past a few pages: SQLITE_FULL, as on a full disk.
    ASSERT_TRUE((*db)->Execute("PRAGMA max_page_count = 12").ok());
    std::optional<Error> full;
    std::int64_t kept = 0;
    for (std::int64_t i = 0; i < 100 && !full; ++i) {
        const std::vector<Value> row{i, std::string(3000, 'x')};
        auto r = (*db)->Execute("INSERT INTO t (id, body) VALUES ($1, $2)", row);
        if (r.ok()) {
            ++kept;
        } else {
            full = r.error();
        }
    }
    ASSERT_TRUE(full.has_value()) << "the inserts never filled the database";
    EXPECT_EQ(full->code, ErrorCode::kInsufficientStorage) << full->message;
    EXPECT_NE(full->message.find("the disk holding the database is full"), std::string::npos) << full->message;
    auto count = (*db)->Query("SELECT COUNT(*) AS n FROM t");
    ASSERT_TRUE(count.ok()) << count.error().message;
    EXPECT_EQ(count->GetInt(0, "n"), kept);
}

TEST_F(StorageSqlite, RelativePathUrl) {
    auto relative = std::filesystem::relative(dir_ / "rel.db", std::filesystem::current_path());
    ASSERT_FALSE(relative.empty());
    ASSERT_TRUE(relative.is_relative());
    auto db = OpenDatabase("sqlite://" + relative.string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE((*db)->Execute("CREATE TABLE t (x TEXT)").ok());
    EXPECT_TRUE(std::filesystem::exists(dir_ / "rel.db"));
}

TEST_F(StorageSqlite, MemoryDatabasesArePrivateAndShareOneConnection) {
    auto a = OpenDatabase("sqlite::memory:");
    auto b = OpenDatabase("sqlite::memory:");
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE((*a)->Execute("CREATE TABLE t (x TEXT)").ok());
    ASSERT_TRUE((*a)->Execute("INSERT INTO t (x) VALUES ('v')").ok());
    auto seen = (*a)->Query("SELECT x FROM t");
    ASSERT_TRUE(seen.ok()) << seen.error().message;
    EXPECT_EQ(seen->GetText(0, "x"), "v");
    EXPECT_FALSE((*b)->Query("SELECT x FROM t").ok());
    EXPECT_EQ((*a)->Stats().size, 1u);
    EXPECT_EQ((*a)->Describe(), "sqlite::memory:");
    auto tx = (*a)->Transaction(
        [](Session& s) -> Result<void> {
            auto r = s.Query("SELECT COUNT(*) AS n FROM t");
            if (!r) return r.take_error();
            return r->GetInt(0, "n") == 1 ? Ok() : MakeError(ErrorCode::kInternal, "wrong count");
        },
        TxKind::kRead);
    EXPECT_TRUE(tx.ok()) << tx.error().message;
}

TEST_F(StorageSqlite, UsingTheDbInsideItsOwnWriteTransactionFailsInsteadOfDeadlocking) {
    auto db = OpenDatabase("sqlite://" + (dir_ / "x.db").string());
    ASSERT_TRUE(db.ok());
    Db& d = **db;
    Result<std::int64_t> inner = std::int64_t{0};
    auto r = d.Transaction([&](Session&) -> Result<void> {
        inner = d.Execute("CREATE TABLE t (x TEXT)");
        return Ok();
    });
    EXPECT_TRUE(r.ok());
    ASSERT_FALSE(inner.ok());
    EXPECT_EQ(inner.error().code, ErrorCode::kInternal);
}

TEST_F(StorageSqlite, ReadersSeeCommittedWritesFromOtherHandles) {
    std::string url = "sqlite://" + (dir_ / "shared.db").string();
    auto writer = OpenDatabase(url);
    auto reader = OpenDatabase(url);
    ASSERT_TRUE(writer.ok() && reader.ok());
    ASSERT_TRUE((*writer)->Execute("CREATE TABLE t (x BIGINT)").ok());
    ASSERT_TRUE((*writer)->Execute("INSERT INTO t (x) VALUES (42)").ok());
    auto rows = (*reader)->Query("SELECT x FROM t");
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    EXPECT_EQ(rows->GetInt(0, "x"), 42);
}

// --- PostgreSQL specifics -----------------------------------------------------------------------

TEST_F(DbTest, PostgresReconnectsAfterTheServerDropsTheConnection) {
    if (!UsingPostgres()) GTEST_SKIP() << "PostgreSQL only (set DIHYA_TEST_PG_URL_FILE)";
    Open(DbOptions{1, 5000});
    auto before = db_->Query("SELECT pg_backend_pid() AS pid");
    ASSERT_TRUE(before.ok()) << before.error().message;
    auto pid = before->GetInt(0, "pid");
    ASSERT_TRUE(pid.has_value());

    auto admin = OpenDatabase(testing::PostgresTestUrl(), DbOptions{1, 5000});
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    std::vector<Value> p{*pid};
    auto killed = (*admin)->Query("SELECT pg_terminate_backend($1::int, 5000) AS done", p);
    ASSERT_TRUE(killed.ok()) << killed.error().message;
    ASSERT_EQ(killed->GetInt(0, "done"), 1);

    auto after = db_->Query("SELECT pg_backend_pid() AS pid");
    ASSERT_TRUE(after.ok()) << after.error().message;
    EXPECT_NE(after->GetInt(0, "pid"), pid);
    EXPECT_EQ(db_->Stats().size, 1u);
}

TEST_F(DbTest, PostgresDescribeOmitsPassword) {
    if (!UsingPostgres()) GTEST_SKIP() << "PostgreSQL only (set DIHYA_TEST_PG_URL_FILE)";
    // The test server trusts local connections, so any password is accepted.
    std::string url = url_;
    auto at = url.find('@');
    ASSERT_NE(at, std::string::npos);
    url.insert(at, ":hunter2");
    auto db = OpenDatabase(url, DbOptions{1, 5000});
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ((*db)->Describe().find("hunter2"), std::string::npos);
    EXPECT_NE((*db)->Describe().find("127.0.0.1"), std::string::npos);
}

}  // namespace
}  // namespace dihya::storage
