#include "auth/display_text.hpp"

#include <gtest/gtest.h>

namespace dihya::auth {
namespace {

TEST(DisplayText, AcceptsNamesInEveryScript) {
    for (const char* name : {"Ada Lovelace", "Zoë d'Arc", "مريم العلوي", "مريم \u200F Zoë", "👩\u200D💻 dev", "李小龍"}) {
        EXPECT_TRUE(CheckDisplayText("display_name", name, 200).ok()) << name;
    }
}

TEST(DisplayText, RefusesControlsSeparatorsAndBidiOverrides) {
    for (const char* name : {"a\r\nb", "a\nb", "a\tb", "a\x7f", "a\xC2\x85", "a\u2028b", "a\u2029b", "a\u202Eb",
                             "a\u202Ab", "a\u2066b\u2069", "a\u200Bb", "a\uFEFF", "a\uFFFE"}) {
        auto r = CheckDisplayText("display_name", name, 200);
        ASSERT_FALSE(r.ok()) << name;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_TRUE(r.error().details.contains("display_name"));
        EXPECT_EQ(r.error().message.find(name), std::string::npos) << "the text is not echoed";
    }
    std::string nul = "a";
    nul += '\0';
    EXPECT_FALSE(CheckDisplayText("display_name", nul, 200).ok());
    EXPECT_FALSE(CheckDisplayText("display_name", "\xC3\x28", 200).ok()) << "not UTF-8";
    EXPECT_FALSE(CheckDisplayText("display_name", "", 200).ok());
    EXPECT_FALSE(CheckDisplayText("display_name", " \u00A0\u200F ", 200).ok()) << "blank";
    EXPECT_FALSE(CheckDisplayText("display_name", std::string(201, 'a'), 200).ok());
    auto bidi = CheckDisplayText("display_name", "ab\u202E", 200);
    EXPECT_NE(bidi.error().message.find("U+202E at character 3"), std::string::npos) << bidi.error().message;
}

TEST(DisplayText, CleaningKeepsOnePlainLine) {
    EXPECT_EQ(CleanDisplayText("  Eve\r\n\r\nClick\u202E here  ", 200), "EveClick here");
    EXPECT_EQ(CleanDisplayText("a   b", 200), "a b");
    EXPECT_EQ(CleanDisplayText("\xC3\x28ok", 200), "(ok");
    EXPECT_EQ(CleanDisplayText("مريم", 5), "مر");  // cut at a code point boundary
    EXPECT_EQ(CleanDisplayText("\u200B\u202E", 200), "");
}

}  // namespace
}  // namespace dihya::auth
