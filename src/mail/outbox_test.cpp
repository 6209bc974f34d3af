#include "mail/outbox.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

namespace dihya::mail {
namespace {

namespace fs = std::filesystem;

class OutboxTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "dihya-outbox-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    std::size_t Count() const {
        std::size_t n = 0;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(root_ / "outbox", ec)) n += e.is_regular_file() ? 1 : 0;
        return n;
    }
    fs::path root_;
};

TEST_F(OutboxTest, CopiesAreListedAndErasedByRecipientOnly) {
    Outbox outbox(root_ / "outbox", "Dihya <no-reply@localhost>", std::chrono::hours(24));
    ASSERT_TRUE(outbox.Deliver({"ada@example.org", "Confirm", "https://x/#token=1", "verify_email"}).ok());
    ASSERT_TRUE(outbox.Deliver({"ada@example.org", "Reset", "https://x/#token=2", "reset_password"}).ok());
    ASSERT_TRUE(outbox.Deliver({"bob@example.org", "Confirm", "https://x/#token=3", "verify_email"}).ok());
    ASSERT_EQ(Count(), 3u);

    auto ada = outbox.AddressedTo("Ada@Example.org");  // addresses compare without case
    ASSERT_TRUE(ada.ok());
    ASSERT_EQ(ada->size(), 2u);
    std::set<std::string> kinds{(*ada)[0].kind, (*ada)[1].kind};  // by time; two in one millisecond by name
    EXPECT_EQ(kinds, (std::set<std::string>{"verify_email", "reset_password"}));
    EXPECT_EQ((*ada)[0].sent_at.size(), 24u) << (*ada)[0].sent_at;  // 2026-12-01T23:14:15.123Z
    EXPECT_EQ((*ada)[0].sent_at.back(), 'Z');

    struct stat st {};
    ASSERT_EQ(::stat((root_ / "outbox" / (*ada)[0].file).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    auto erased = outbox.EraseAddressedTo("ada@example.org");
    ASSERT_TRUE(erased.ok());
    EXPECT_EQ(*erased, 2u);
    EXPECT_EQ(Count(), 1u);
    EXPECT_EQ(outbox.AddressedTo("bob@example.org")->size(), 1u);
}

TEST_F(OutboxTest, OldCopiesArePurgedAndForeignFilesLeftAlone) {
    Outbox outbox(root_ / "outbox", "Dihya <no-reply@localhost>", std::chrono::hours(24));
    ASSERT_TRUE(outbox.Deliver({"ada@example.org", "Confirm", "text", "verify_email"}).ok());
    { std::ofstream(root_ / "outbox" / "notes.eml") << "To: ada@example.org\r\n\r\nmine\r\n"; }
    auto none = outbox.PurgeBefore(std::chrono::system_clock::now() - std::chrono::hours(1));
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, 0u);
    auto all = outbox.PurgeBefore(std::chrono::system_clock::now() + std::chrono::hours(1));
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(*all, 1u);
    EXPECT_TRUE(fs::exists(root_ / "outbox" / "notes.eml"));
}

}  // namespace
}  // namespace dihya::mail
