#include "audit/audit_log.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "audit/chain.hpp"
#include "storage/migrations.hpp"
#include "storage/test_database.hpp"

namespace dihya::audit {
namespace {

using storage::Value;

constexpr std::string_view kKey = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";

/// A clock that moves 1 ms per reading from 2025-03-01T10:00:00Z, or stays put at a set time.
class TestClock final {
public:
    std::chrono::system_clock::time_point operator()() {
        return kStart + std::chrono::milliseconds(ticks_.fetch_add(1));
    }
    void Set(std::chrono::milliseconds since_start) { ticks_ = since_start.count(); }

    static constexpr std::chrono::sys_days kStart{std::chrono::year{2025} / 3 / 1};

private:
    std::atomic<std::int64_t> ticks_{
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours{10}).count()};
};

class AuditLogTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto created = test_db_.Create();
        ASSERT_TRUE(created.ok()) << created.error().message;
        db_ = OpenDb();
        ASSERT_NE(db_, nullptr);
        auto migrated = storage::Migrate(*db_, storage::EmbeddedMigrations(db_->dialect()));
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
        log_ = MakeLog(*db_);
        ASSERT_NE(log_, nullptr);
    }

    std::unique_ptr<storage::Db> OpenDb() {
        auto db = test_db_.Open();
        EXPECT_TRUE(db.ok()) << db.error().message;
        return db ? std::move(*db) : nullptr;
    }

    std::unique_ptr<AuditLog> MakeLog(storage::Db& db) {
        auto log = AuditLog::Create(db, {.pseudonym_key = std::string(kKey), .clock = [this] { return clock_(); }});
        EXPECT_TRUE(log.ok()) << log.error().message;
        return log ? std::move(*log) : nullptr;
    }

    std::int64_t Add(const Entry& e) {
        auto seq = log_->Append(e);
        EXPECT_TRUE(seq.ok()) << seq.error().message;
        return seq ? *seq : -1;
    }

    /// Five entries by two users; entry 3 has user u2 as its target.
    void AddFive() {
        RequestContext ctx{"req-1", "203.0.113.77"};
        Add(EntryFor(ctx, "auth.login", "u1"));
        Add(EntryFor(ctx, "auth.login_failed"));
        Entry role = EntryFor(ctx, "user.role_changed", "u1");
        role.target_type = "user";
        role.target_id = "u2";
        role.details = {{"from", "user"}, {"to", "admin"}};
        Add(role);
        Add(EntryFor(RequestContext{"req-2", "2001:db8:1:2::9"}, "auth.login", "u2"));
        Entry project = EntryFor(ctx, "project.deleted", "u1");
        project.target_type = "project";
        project.target_id = "p-7";
        Add(project);
    }

    /// An empty log again.
    void Reset() {
        Exec("DELETE FROM audit_log");
        Exec("UPDATE audit_head SET last_seq = 0, last_hash = $1", {std::string(kGenesisHash)});
    }

    void Exec(std::string_view sql, std::vector<Value> params = {}) {
        auto r = db_->Execute(sql, params);
        ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
    }

    storage::Rows Select(std::string_view sql, std::vector<Value> params = {}) {
        auto r = db_->Query(sql, params);
        EXPECT_TRUE(r.ok()) << sql << ": " << r.error().message;
        return r ? std::move(*r) : storage::Rows{};
    }

    VerifyReport MustVerify() {
        auto report = log_->Verify();
        EXPECT_TRUE(report.ok()) << report.error().message;
        return report ? *report : VerifyReport{};
    }

    void ExpectFailure(std::int64_t seq, const std::string& reason) {
        VerifyReport report = MustVerify();
        ASSERT_TRUE(report.failure.has_value()) << "verify passed; expected entry " << seq << ": " << reason;
        EXPECT_EQ(report.failure->seq, seq) << report.failure->reason;
        EXPECT_EQ(report.failure->reason, reason);
        if (!reason.starts_with("not in head")) {
            EXPECT_EQ(report.entries, seq - 1);
        }
    }

    storage::testing::TestDatabase test_db_;
    TestClock clock_;
    std::unique_ptr<storage::Db> db_;
    std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, EmptyLogVerifies) {
    VerifyReport report = MustVerify();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.entries, 0);
    EXPECT_EQ(report.head_hash, kGenesisHash);
}

TEST_F(AuditLogTest, AppendsChainAndVerify) {
    AddFive();
    VerifyReport report = MustVerify();
    EXPECT_TRUE(report.ok()) << report.failure->seq << ": " << report.failure->reason;
    EXPECT_EQ(report.entries, 5);

    auto rows = Select("SELECT seq, at, prev_hash, hash, ip, pii_salt, request_id FROM audit_log ORDER BY seq");
    ASSERT_EQ(rows.size(), 5u);
    std::string prev(kGenesisHash);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows.GetInt(i, "seq"), static_cast<std::int64_t>(i + 1));
        EXPECT_EQ(rows.GetText(i, "prev_hash"), prev);
        prev = rows.GetText(i, "hash").value_or("");
        EXPECT_EQ(prev.size(), 64u);
        EXPECT_EQ(rows.GetText(i, "pii_salt").value_or("").size(), 32u);
    }
    EXPECT_EQ(report.head_hash, prev);
    auto head = Select("SELECT last_seq, last_hash FROM audit_head");
    ASSERT_EQ(head.size(), 1u);
    EXPECT_EQ(head.GetInt(0, "last_seq"), 5);
    EXPECT_EQ(head.GetText(0, "last_hash"), prev);
    // ISO 8601 UTC with milliseconds from the injected clock; IPs are stored truncated.
    EXPECT_EQ(rows.GetText(0, "at"), "2025-03-01T10:00:00.000Z");
    EXPECT_EQ(rows.GetText(0, "ip"), "203.0.113.0");
    EXPECT_EQ(rows.GetText(3, "ip"), "2001:db8:1::");
    EXPECT_EQ(rows.GetText(0, "request_id"), "req-1");
}

TEST_F(AuditLogTest, AppendTruncatesAFullIpItself) {
    Entry e{.action = "auth.login", .actor_id = "u1", .ip = "198.51.100.201"};
    Add(e);
    EXPECT_EQ(Select("SELECT ip FROM audit_log").GetText(0, "ip"), "198.51.100.0");
    EXPECT_TRUE(MustVerify().ok());
}

TEST_F(AuditLogTest, ModifiedFieldsAreNamed) {
    struct Case {
        const char* sql;
        std::vector<Value> params;
    };
    const std::vector<Case> cases = {
        {"UPDATE audit_log SET action = 'auth.logout' WHERE seq = 3", {}},
        {"UPDATE audit_log SET details = '{\"from\":\"user\",\"to\":\"user\"}' WHERE seq = 3", {}},
        {"UPDATE audit_log SET at = '2025-03-01T11:00:00.000Z' WHERE seq = 3", {}},
        {"UPDATE audit_log SET actor_id = 'u9' WHERE seq = 3", {}},   // personal: via the digest
        {"UPDATE audit_log SET target_id = 'u9' WHERE seq = 3", {}},  // personal target
        {"UPDATE audit_log SET ip = '192.0.2.0' WHERE seq = 3", {}},  // personal
        {"UPDATE audit_log SET actor_id = NULL WHERE seq = 3", {}},   // hide who acted
        {"UPDATE audit_log SET pii_salt = NULL WHERE seq = 3", {}},   // drop the salt alone
        {"UPDATE audit_log SET pii_digest = $1 WHERE seq = 3", {std::string(64, '0')}},
        {"UPDATE audit_log SET hash = $1 WHERE seq = 3", {std::string(64, 'f')}},
        {"UPDATE audit_log SET target_type = 'project' WHERE seq = 3", {}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.sql);
        Reset();
        AddFive();
        ASSERT_TRUE(MustVerify().ok());
        Exec(c.sql, c.params);
        ExpectFailure(3, "modified");
    }
}

TEST_F(AuditLogTest, ModifyingANonUserTargetIsDetected) {
    AddFive();
    Exec("UPDATE audit_log SET target_id = 'p-8' WHERE seq = 5");
    ExpectFailure(5, "modified");
}

TEST_F(AuditLogTest, DeletedMiddleEntryIsAGap) {
    AddFive();
    Exec("DELETE FROM audit_log WHERE seq = 3");
    ExpectFailure(3, "missing (gap after 2)");
}

TEST_F(AuditLogTest, DeletedFirstEntryIsAGap) {
    AddFive();
    Exec("DELETE FROM audit_log WHERE seq = 1");
    ExpectFailure(1, "missing (gap after 0)");
}

TEST_F(AuditLogTest, DeletedTailIsDetectedThroughTheHead) {
    AddFive();
    Exec("DELETE FROM audit_log WHERE seq >= 4");
    ExpectFailure(4, "tail deleted: head says 5");
}

TEST_F(AuditLogTest, DeletingEverythingIsDetectedThroughTheHead) {
    AddFive();
    Exec("DELETE FROM audit_log");
    ExpectFailure(1, "tail deleted: head says 5");
}

TEST_F(AuditLogTest, ChangedPrevHashBreaksTheChain) {
    AddFive();
    Exec("UPDATE audit_log SET prev_hash = $1 WHERE seq = 3", {std::string(64, 'e')});
    ExpectFailure(3, "chain broken");
}

TEST_F(AuditLogTest, ARewrittenEntryWithARecomputedHashBreaksTheNextLink) {
    AddFive();
    // A careful forger rewrites entry 3 and recomputes its hash; entry 4 still points at the old one.
    auto row = Select("SELECT * FROM audit_log WHERE seq = 3");
    ChainFields f;
    f.seq = 3;
    f.at = *row.GetText(0, "at");
    f.actor_id = row.GetText(0, "actor_id");
    f.action = "user.disabled";
    f.target_type = row.GetText(0, "target_type");
    f.target_id = row.GetText(0, "target_id");
    f.request_id = row.GetText(0, "request_id");
    f.ip = row.GetText(0, "ip");
    f.details = *row.GetText(0, "details");
    const std::string hash = EntryHash(f, *row.GetText(0, "pii_digest"), *row.GetText(0, "prev_hash"));
    Exec("UPDATE audit_log SET action = 'user.disabled', hash = $1 WHERE seq = 3", {hash});
    ExpectFailure(4, "chain broken");
}

TEST_F(AuditLogTest, HeadTamperingIsDetected) {
    AddFive();
    Exec("UPDATE audit_head SET last_seq = 4");
    ExpectFailure(5, "not in head: head says 4");
    Exec("UPDATE audit_head SET last_seq = 5, last_hash = $1", {std::string(64, 'c')});
    VerifyReport report = MustVerify();
    ASSERT_TRUE(report.failure);
    EXPECT_EQ(report.failure->seq, 5);
    EXPECT_EQ(report.failure->reason, "head mismatch");
    Exec("DELETE FROM audit_head");
    report = MustVerify();
    ASSERT_TRUE(report.failure);
    EXPECT_EQ(report.failure->reason, "head missing");
}

TEST_F(AuditLogTest, AppendWithoutHeadFailsCleanly) {
    Exec("DELETE FROM audit_head");
    auto r = log_->Append(Entry{.action = "auth.login"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInternal);
    EXPECT_EQ(Select("SELECT seq FROM audit_log").size(), 0u);
}

TEST_F(AuditLogTest, AppendsCommitAndRollBackWithTheCallersTransaction) {
    AddFive();
    Exec("CREATE TABLE things (id TEXT PRIMARY KEY)");
    auto failed = db_->Transaction([&](storage::Session& s) -> Result<void> {
        if (auto r = s.Execute("INSERT INTO things (id) VALUES ('a')"); !r) return r.take_error();
        auto seq = log_->Append(s, Entry{.action = "thing.created", .actor_id = "u1"});
        if (!seq) return seq.take_error();
        EXPECT_EQ(*seq, 6);
        return MakeError(ErrorCode::kConflict, "the action failed after its audit entry");
    });
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(Select("SELECT id FROM things").size(), 0u);
    EXPECT_EQ(Select("SELECT seq FROM audit_log").size(), 5u);
    EXPECT_TRUE(MustVerify().ok());

    auto done = db_->Transaction([&](storage::Session& s) -> Result<void> {
        if (auto r = s.Execute("INSERT INTO things (id) VALUES ('b')"); !r) return r.take_error();
        auto seq = log_->Append(s, Entry{.action = "thing.created", .actor_id = "u1"});
        if (!seq) return seq.take_error();
        EXPECT_EQ(*seq, 6);
        return Ok();
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(Select("SELECT id FROM things").size(), 1u);
    VerifyReport report = MustVerify();
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.entries, 6);
}

TEST_F(AuditLogTest, RejectsBadEntriesNamingTheField) {
    auto expect_invalid = [&](const Entry& e, const std::string& field) {
        auto r = log_->Append(e);
        ASSERT_FALSE(r.ok()) << field;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_TRUE(r.error().details.contains(field)) << field << ": " << r.error().message;
    };
    expect_invalid(Entry{.action = ""}, "action");
    expect_invalid(Entry{.action = "Auth.Login"}, "action");
    expect_invalid(Entry{.action = "auth..login"}, "action");
    expect_invalid(Entry{.action = "auth.login."}, "action");
    expect_invalid(Entry{.action = "auth login"}, "action");
    expect_invalid(Entry{.action = std::string(65, 'a')}, "action");
    expect_invalid(Entry{.action = "auth.login", .target_id = "u1"}, "target_id");
    expect_invalid(Entry{.action = "auth.login", .target_type = "User!", .target_id = "u1"}, "target_type");
    expect_invalid(Entry{.action = "auth.login", .actor_id = ""}, "actor_id");
    expect_invalid(Entry{.action = "auth.login", .actor_id = std::string(129, 'u')}, "actor_id");
    expect_invalid(Entry{.action = "auth.login", .ip = "not-an-ip"}, "ip");
    expect_invalid(Entry{.action = "auth.login", .details = {{"password", "hunter2"}}}, "details.password");
    expect_invalid(Entry{.action = "auth.login", .details = {{"nested", {{"refresh_token", "x"}}}}},
                   "details.nested.refresh_token");
    expect_invalid(Entry{.action = "auth.login", .details = {{"big", std::string(std::size_t{17} * 1024, 'x')}}},
                   "details");
    // Nothing leaked into the log, and a bad entry's values are not echoed in the error.
    auto r = log_->Append(Entry{.action = "auth.login", .details = {{"password", "hunter2"}}});
    EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
    for (const auto& [k, v] : r.error().details) EXPECT_EQ(v.find("hunter2"), std::string::npos);
    EXPECT_EQ(Select("SELECT seq FROM audit_log").size(), 0u);
}

TEST_F(AuditLogTest, CreateRefusesABadKey) {
    EXPECT_FALSE(AuditLog::Create(*db_, {.pseudonym_key = "short"}).ok());
    EXPECT_FALSE(AuditLog::Create(*db_, {.pseudonym_key = std::string(65, 'k')}).ok());
    EXPECT_TRUE(AuditLog::Create(*db_, {.pseudonym_key = DerivePseudonymKey("s")}).ok());
}

TEST_F(AuditLogTest, EntryForTakesTheRequestContext) {
    Entry e = EntryFor(RequestContext{"rid-9", "198.51.100.23"}, "gdpr.export", "u5");
    EXPECT_EQ(e.action, "gdpr.export");
    EXPECT_EQ(e.actor_id, "u5");
    EXPECT_EQ(e.request_id, "rid-9");
    EXPECT_EQ(e.ip, "198.51.100.0");
    Entry guest = EntryFor(RequestContext{}, "auth.login_failed");
    EXPECT_FALSE(guest.actor_id);
    EXPECT_FALSE(guest.request_id);
    EXPECT_FALSE(guest.ip);
    EXPECT_FALSE(EntryFor(RequestContext{"r", "garbage"}, "auth.login").ip);
}

/// Every text value of every audit_log row, by seq.
std::vector<std::pair<std::int64_t, std::string>> AllText(const storage::Rows& rows) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (const auto& column : rows.columns()) {
            if (auto v = rows.GetText(i, column)) out.emplace_back(*rows.GetInt(i, "seq"), *v);
        }
    }
    return out;
}

TEST_F(AuditLogTest, PseudonymiseKeepsTheChainAndRemovesTheUser) {
    AddFive();
    // u2 appears as target of entry 3 and as actor of entry 4.
    auto changed = log_->Pseudonymise("u2");
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    EXPECT_EQ(*changed, 2);
    VerifyReport report = MustVerify();
    EXPECT_TRUE(report.ok()) << report.failure->seq << ": " << report.failure->reason;
    EXPECT_EQ(report.entries, 5);

    auto rows = Select("SELECT * FROM audit_log ORDER BY seq");
    for (const auto& [seq, value] : AllText(rows)) {
        EXPECT_EQ(value.find("u2"), std::string::npos) << "entry " << seq << " still names u2: " << value;
    }
    const std::string p2 = log_->PseudonymOf("u2");
    const std::string p1 = log_->PseudonymOf("u1");
    // Entry 3: u1 changed u2's role. Once its salt is gone nothing in the row is covered by the digest, so
    // every personal field of the row is pseudonymised, u1 included.
    EXPECT_EQ(rows.GetText(2, "actor_id"), p1);
    EXPECT_EQ(rows.GetText(2, "target_id"), p2);
    EXPECT_EQ(rows.GetText(3, "actor_id"), p2);
    for (std::size_t i : {2u, 3u}) {
        EXPECT_FALSE(rows.GetText(i, "ip")) << i;
        EXPECT_FALSE(rows.GetText(i, "pii_salt")) << i;
        EXPECT_TRUE(rows.GetText(i, "pseudonymised_at")) << i;
        EXPECT_EQ(rows.GetText(i, "pii_digest").value_or("").size(), 64u);
    }
    // Other entries keep their data.
    for (std::size_t i : {0u, 1u, 4u}) {
        EXPECT_EQ(rows.GetText(i, "ip"), "203.0.113.0") << i;
        EXPECT_TRUE(rows.GetText(i, "pii_salt")) << i;
        EXPECT_FALSE(rows.GetText(i, "pseudonymised_at")) << i;
    }
    EXPECT_EQ(rows.GetText(0, "actor_id"), "u1");

    // Listing shows which entries are pseudonymised.
    auto page = log_->List({});
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->entries.size(), 5u);
    EXPECT_EQ(page->entries[1].seq, 4);
    EXPECT_TRUE(page->entries[1].pseudonymised);
    EXPECT_FALSE(page->entries[0].pseudonymised);

    // Idempotent; then erasing u1 too still verifies and leaves no u1 anywhere.
    EXPECT_EQ(log_->Pseudonymise("u2").value(), 0);
    EXPECT_EQ(log_->Pseudonymise("u1").value(), 2);  // entries 1 and 5 (3 is already pseudonymised)
    EXPECT_TRUE(MustVerify().ok());
    for (const auto& [seq, value] : AllText(Select("SELECT * FROM audit_log"))) {
        EXPECT_EQ(value.find("u1"), std::string::npos) << "entry " << seq << " still names u1: " << value;
    }
    // Appending after pseudonymisation continues the chain.
    Add(Entry{.action = "gdpr.erasure", .target_type = "user", .target_id = p1});
    EXPECT_TRUE(MustVerify().ok());
}

TEST_F(AuditLogTest, PseudonymiseInsideTheCallersTransaction) {
    AddFive();
    auto r = db_->Transaction([&](storage::Session& s) -> Result<void> {
        auto n = log_->Pseudonymise(s, "u2");
        if (!n) return n.take_error();
        return MakeError(ErrorCode::kConflict, "erasure aborted");
    });
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(Select("SELECT seq FROM audit_log WHERE pseudonymised_at IS NOT NULL").size(), 0u);
    EXPECT_FALSE(log_->Pseudonymise("").ok());
}

TEST_F(AuditLogTest, FakedOrUndonePseudonymisationIsDetected) {
    AddFive();
    // Marking an entry pseudonymised without removing its personal data.
    Exec("UPDATE audit_log SET pseudonymised_at = '2025-03-02T00:00:00.000Z' WHERE seq = 2");
    ExpectFailure(2, "pseudonymised but holds personal data");
    Reset();
    AddFive();
    ASSERT_TRUE(log_->Pseudonymise("u2").ok());
    // Putting a real id back into a pseudonymised entry.
    Exec("UPDATE audit_log SET actor_id = 'u2' WHERE seq = 4");
    ExpectFailure(4, "pseudonymised but holds personal data");
    Exec("UPDATE audit_log SET actor_id = $1, ip = '203.0.113.0' WHERE seq = 4", {log_->PseudonymOf("u2")});
    ExpectFailure(4, "pseudonymised but holds personal data");
    Exec("UPDATE audit_log SET ip = NULL, target_id = 'u7' WHERE seq = 3");
    ExpectFailure(3, "pseudonymised but holds personal data");
}

TEST_F(AuditLogTest, ConcurrentAppendsNeverForkTheChain) {
    // Two handles on the same database stand in for two processes; threads share each handle.
    auto other_db = OpenDb();
    ASSERT_NE(other_db, nullptr);
    auto other_log = MakeLog(*other_db);
    ASSERT_NE(other_log, nullptr);
    constexpr int kThreads = 8;
    constexpr int kPerThread = 25;
    std::mutex mu;
    std::vector<std::int64_t> seqs;
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const AuditLog& log = t % 2 == 0 ? *log_ : *other_log;
            for (int i = 0; i < kPerThread; ++i) {
                Entry e{.action = "load.append", .actor_id = "t" + std::to_string(t), .details = {{"i", i}}};
                auto seq = log.Append(e);
                std::lock_guard lock(mu);
                if (seq)
                    seqs.push_back(*seq);
                else
                    errors.push_back(seq.error().message);
            }
        });
    }
    for (auto& th : threads) th.join();
    ASSERT_TRUE(errors.empty()) << errors.size() << " appends failed, first: " << errors.front();
    std::sort(seqs.begin(), seqs.end());
    ASSERT_EQ(seqs.size(), static_cast<std::size_t>(kThreads * kPerThread));
    for (std::size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], static_cast<std::int64_t>(i + 1));
    VerifyReport report = MustVerify();
    EXPECT_TRUE(report.ok()) << report.failure->seq << ": " << report.failure->reason;
    EXPECT_EQ(report.entries, kThreads * kPerThread);
}

TEST_F(AuditLogTest, VerifyDuringConcurrentAppendsSeesAConsistentSnapshot) {
    // Verifications run for as long as the appends do; each must see a chain and a head that agree.
    std::atomic<bool> done{false};
    std::atomic<int> appended{0};
    std::thread writer([&] {
        for (int i = 0; i < 300; ++i) {
            if (!log_->Append(Entry{.action = "load.append"})) break;
            ++appended;
        }
        done = true;
    });
    int verifications = 0;
    std::vector<std::string> failures;
    while (!done || verifications < 3) {
        auto report = log_->Verify();
        ++verifications;
        if (!report) {
            failures.push_back(report.error().message);  // no ASSERT here: the writer must be joined first
        } else if (!report->ok()) {
            failures.push_back(std::to_string(report->failure->seq) + ": " + report->failure->reason);
        }
    }
    writer.join();
    EXPECT_EQ(appended, 300);
    EXPECT_TRUE(failures.empty()) << failures.size() << " of " << verifications << " failed, first "
                                  << failures.front();
    EXPECT_TRUE(MustVerify().ok());
}

class AuditListTest : public AuditLogTest {
protected:
    void SetUp() override {
        AuditLogTest::SetUp();
        // seq 1..12 at 10:00:00.000 + (seq-1) minutes, actors a/b/c in turn, actions in turn.
        const std::vector<std::string> actions = {"auth.login", "auth.login_failed", "user.role_changed",
                                                  "gdpr.export"};
        const std::vector<std::string> actors = {"a", "b", "c"};
        for (int i = 0; i < 12; ++i) {
            clock_.Set(std::chrono::hours{10} + std::chrono::minutes{i});
            Entry e{.action = actions[i % 4], .actor_id = actors[i % 3]};
            if (i % 4 == 2) {
                e.target_type = "user";
                e.target_id = "t" + std::to_string(i);
            }
            e.request_id = "r" + std::to_string(i + 1);
            ASSERT_EQ(Add(e), i + 1);
        }
    }

    std::vector<std::int64_t> Seqs(const ListFilter& filter, int limit = 0) {
        auto page = log_->List(filter, {}, limit);
        EXPECT_TRUE(page.ok()) << page.error().message;
        std::vector<std::int64_t> out;
        if (page) {
            for (const auto& r : page->entries) out.push_back(r.seq);
        }
        return out;
    }

    using V = std::vector<std::int64_t>;
};

TEST_F(AuditListTest, NewestFirstWithDefaultLimit) {
    auto page = log_->List({});
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->entries.size(), 12u);
    EXPECT_FALSE(page->next_cursor);
    EXPECT_EQ(page->entries.front().seq, 12);
    const Record& r = page->entries.back();
    EXPECT_EQ(r.seq, 1);
    EXPECT_EQ(r.at, "2025-03-01T10:00:00.000Z");
    EXPECT_EQ(r.action, "auth.login");
    EXPECT_EQ(r.actor_id, "a");
    EXPECT_EQ(r.request_id, "r1");
    EXPECT_FALSE(r.pseudonymised);
    EXPECT_EQ(r.hash.size(), 64u);
}

TEST_F(AuditListTest, Filters) {
    EXPECT_EQ(Seqs({.actor_id = "a"}), (V{10, 7, 4, 1}));
    EXPECT_EQ(Seqs({.action = "auth.login"}), (V{9, 5, 1}));
    EXPECT_EQ(Seqs({.action = "auth."}), (V{10, 9, 6, 5, 2, 1}));
    EXPECT_EQ(Seqs({.action = "auth.*"}), (V{10, 9, 6, 5, 2, 1}));
    EXPECT_EQ(Seqs({.action = "auth"}), V{});  // exact, not a prefix
    EXPECT_EQ(Seqs({.action = "user."}), (V{11, 7, 3}));
    EXPECT_EQ(Seqs({.target_type = "user"}), (V{11, 7, 3}));
    EXPECT_EQ(Seqs({.target_type = "user", .target_id = "t6"}), (V{7}));
    EXPECT_EQ(Seqs({.from = "2025-03-01T10:09:00Z"}), (V{12, 11, 10}));
    EXPECT_EQ(Seqs({.to = "2025-03-01T10:02:00Z"}), (V{2, 1}));
    EXPECT_EQ(Seqs({.from = "2025-03-01T11:03:00+01:00", .to = "2025-03-01T10:05:00.000Z"}), (V{5, 4}));
    EXPECT_EQ(Seqs({.actor_id = "b", .action = "auth.", .from = "2025-03-01T10:03:00Z"}), (V{5}));
    EXPECT_EQ(Seqs({.actor_id = "nobody"}), V{});
}

TEST_F(AuditListTest, PrefixIsLiteral) {
    // '_' is not a wildcard in a prefix (nor in an exact action); '%' is refused.
    Add(Entry{.action = "usera.login"});
    Add(Entry{.action = "user.rolexchanged"});
    EXPECT_EQ(Seqs({.action = "user_."}), V{});
    EXPECT_EQ(Seqs({.action = "user.role_changed"}), (V{11, 7, 3}));
    EXPECT_FALSE(log_->List({.action = "auth.%"}).ok());
}

TEST_F(AuditListTest, CursorPagesThroughEverythingOnce) {
    std::vector<std::int64_t> seen;
    std::string cursor;
    int pages = 0;
    for (;;) {
        auto page = log_->List({}, cursor, 5);
        ASSERT_TRUE(page.ok()) << page.error().message;
        ++pages;
        ASSERT_LE(page->entries.size(), 5u);
        for (const auto& r : page->entries) seen.push_back(r.seq);
        if (!page->next_cursor) break;
        EXPECT_EQ(
            page->next_cursor->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
        cursor = *page->next_cursor;
    }
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen, (V{12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));

    // With a filter; and appends in between do not shift the pages already seen.
    auto first = log_->List({.actor_id = "a"}, {}, 2);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(first->next_cursor);
    Add(Entry{.action = "auth.login", .actor_id = "a"});
    auto second = log_->List({.actor_id = "a"}, *first->next_cursor, 2);
    ASSERT_TRUE(second.ok());
    ASSERT_EQ(second->entries.size(), 2u);
    EXPECT_EQ(second->entries[0].seq, 4);
    EXPECT_EQ(second->entries[1].seq, 1);
    EXPECT_FALSE(second->next_cursor);  // exactly at the end: no empty extra page
}

TEST_F(AuditListTest, LimitsAndBadInput) {
    for (int i = 0; i < 250; ++i) Add(Entry{.action = "load.append"});
    auto page = log_->List({}, {}, 1000);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->entries.size(), static_cast<std::size_t>(kMaxListLimit));
    EXPECT_TRUE(page->next_cursor);
    page = log_->List({});
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->entries.size(), static_cast<std::size_t>(kDefaultListLimit));

    auto invalid = [&](const ListFilter& f, std::string_view cursor, int limit, const std::string& field) {
        auto r = log_->List(f, cursor, limit);
        ASSERT_FALSE(r.ok()) << field;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_TRUE(r.error().details.contains(field)) << field << ": " << r.error().message;
    };
    invalid({}, {}, -1, "limit");
    invalid({}, "not a cursor!", 0, "cursor");
    invalid({}, "MA", 0, "cursor");   // "0"
    invalid({}, "LTE", 0, "cursor");  // "-1"
    invalid({.from = "yesterday"}, {}, 0, "from");
    invalid({.to = "2025-02-30"}, {}, 0, "to");
    invalid({.action = "Auth"}, {}, 0, "action");
}

}  // namespace
}  // namespace dihya::audit
