#pragma once

// Test support (header-only, used by *_test.cpp): a fresh database per test on the back end under test.
// SQLite by default; PostgreSQL when DIHYA_TEST_PG_URL_FILE names a file holding a postgresql:// URL.

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "core/result.hpp"
#include "storage/db.hpp"
#include "storage/migrations.hpp"

namespace dihya::storage::testing {

/// DIHYA_TEST_TMP when set, else the system temporary directory.
inline std::filesystem::path TempRoot() {
    const char* env = std::getenv("DIHYA_TEST_TMP");  // NOLINT(concurrency-mt-unsafe): nothing sets the environment
    std::filesystem::path root =
        env != nullptr && *env != '\0' ? std::filesystem::path(env) : std::filesystem::temp_directory_path();
    std::filesystem::create_directories(root);
    return root;
}

inline std::string RandomSuffix() {
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> dist;
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::uint64_t bits = dist(rd);
    std::string out;
    for (int i = 0; i < 12; ++i, bits /= 36) out.push_back(kAlphabet[bits % 36]);
    return out;
}

/// The PostgreSQL server URL for tests, or empty when the tests run against SQLite.
inline std::string PostgresTestUrl() {
    const char* file = std::getenv("DIHYA_TEST_PG_URL_FILE");  // NOLINT(concurrency-mt-unsafe): read-only use
    if (file == nullptr || *file == '\0') return "";
    std::ifstream in(file);
    std::string url;
    std::getline(in, url);
    while (!url.empty() && (url.back() == '\r' || url.back() == ' ')) url.pop_back();
    return url;
}

inline bool UsingPostgres() {
    return !PostgresTestUrl().empty();
}

/// A database of its own for one test: a SQLite file in a fresh temp directory, or a fresh
/// schema on the test server (selected through the URL's search_path). Removed on destruction.
class TestDatabase final {
public:
    TestDatabase() = default;
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    ~TestDatabase() {
        if (!schema_.empty()) {
            if (auto admin = OpenDatabase(server_url_, DbOptions{1, 5000}); admin) {
                (void)(*admin)->Execute("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
            }
        }
        if (!dir_.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        }
    }

    /// Creates the database; call once (from SetUp) and check the result.
    Result<void> Create() {
        server_url_ = PostgresTestUrl();
        if (server_url_.empty()) {
            dir_ = TempRoot() / ("dihya-storage-" + RandomSuffix());
            std::filesystem::create_directories(dir_);
            url_ = "sqlite://" + (dir_ / "test.db").string();
            return Ok();
        }
        auto admin = OpenDatabase(server_url_, DbOptions{1, 5000});
        if (!admin) return admin.take_error();
        std::string schema = "test_" + RandomSuffix();
        if (auto r = (*admin)->Execute("CREATE SCHEMA " + schema); !r) return r.take_error();
        schema_ = schema;
        url_ = server_url_ + (server_url_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
               schema_;
        return Ok();
    }

    const std::string& Url() const { return url_; }
    /// Directory for scratch files (SQLite runs only; empty on PostgreSQL).
    const std::filesystem::path& Dir() const { return dir_; }

    Result<std::unique_ptr<Db>> Open(const DbOptions& options = {}) const { return OpenDatabase(url_, options); }

    /// Create, Open and every embedded migration: the database the server would have.
    Result<std::unique_ptr<Db>> CreateMigrated(const DbOptions& options = {}) {
        if (auto r = Create(); !r) return r.take_error();
        auto db = Open(options);
        if (!db) return db.take_error();
        if (auto m = Migrate(**db, EmbeddedMigrations((*db)->dialect())); !m) return m.take_error();
        return db;
    }

private:
    std::string server_url_;
    std::string url_;
    std::string schema_;
    std::filesystem::path dir_;
};

}  // namespace dihya::storage::testing
