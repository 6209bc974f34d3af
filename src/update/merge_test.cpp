#include "update/merge.hpp"

#include <string>

#include <gtest/gtest.h>

namespace dihya::update {
namespace {

TEST(UpdateMerge, ChangesInDifferentPlacesMergeCleanly) {
    const std::string base = "one\ntwo\nthree\nfour\nfive\nsix\n";
    const std::string yours = "one (yours)\ntwo\nthree\nfour\nfive\nsix\n";
    const std::string generated = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";
    auto merged = MergeText(base, yours, generated);
    ASSERT_TRUE(merged.ok()) << merged.error().message;
    EXPECT_TRUE(merged->clean);
    EXPECT_EQ(merged->text, "one (yours)\ntwo\nthree\nfour\nfive\nsix\nseven\n");
}

TEST(UpdateMerge, SameLinesChangedBothWaysGiveGitStyleMarkers) {
    auto merged = MergeText("a\nb\nc\n", "a\nB (yours)\nc\n", "a\nB (generated)\nc\n");
    ASSERT_TRUE(merged.ok()) << merged.error().message;
    EXPECT_FALSE(merged->clean);
    EXPECT_EQ(merged->text, "a\n<<<<<<< yours\nB (yours)\n=======\nB (generated)\n>>>>>>> generated\nc\n");
}

TEST(UpdateMerge, IdenticalChangesAreNotConflicts) {
    auto merged = MergeText("a\n", "a\nb\n", "a\nb\n");
    ASSERT_TRUE(merged.ok());
    EXPECT_TRUE(merged->clean);
    EXPECT_EQ(merged->text, "a\nb\n");
}

TEST(UpdateMerge, EmptyBaseAndMissingFinalNewline) {
    auto merged = MergeText("", "x", "x");
    ASSERT_TRUE(merged.ok());
    EXPECT_TRUE(merged->clean);
    EXPECT_EQ(merged->text, "x");
}

TEST(UpdateMerge, TextIsUtf8WithoutNul) {
    EXPECT_TRUE(IsText("plain\n"));
    EXPECT_TRUE(IsText("عيادة — clinique\n"));
    EXPECT_TRUE(IsText(""));
    EXPECT_FALSE(IsText(std::string("a\0b", 3)));
    EXPECT_FALSE(IsText("\xff\xfe"));
    EXPECT_FALSE(IsText("caf\xe9"));  // Latin-1
}

}  // namespace
}  // namespace dihya::update
