// The bilingual dictionaries compiled into the binary from Debian's FreeDict and WordNet
// (scripts/compile-dictionaries; scripts/bootstrap installs the packages).

#include "analyze/dictionary.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analyze/text.hpp"

namespace dihya::analyze {
namespace {

bool Offers(const std::vector<std::string>* english, const std::string& word) {
    return english != nullptr && std::find(english->begin(), english->end(), word) != english->end();
}

TEST(AnalyzeDictionary, TablesAreCompiledIn) {
    const Dictionary& d = Dictionary::Embedded();
    // FreeDict fra-eng has about 8,000 headwords, ara-eng and eng-ara together more: a build without them has none.
    EXPECT_GT(d.Size("fr"), 5000u) << "dict-freedict-fra-eng and eng-fra missing at build time?";
    EXPECT_GT(d.Size("ar"), 5000u) << "dict-freedict-ara-eng and eng-ara missing at build time?";
    EXPECT_EQ(d.Size("de"), 0u);
}

TEST(AnalyzeDictionary, WordsAreLookedUpInTheirMatchingForm) {
    const Dictionary& d = Dictionary::Embedded();
    // Keys are in the analyser's matching form: lower case, accents folded.
    EXPECT_TRUE(Offers(d.Find("fr", "amende"), "fine"));
    EXPECT_TRUE(Offers(d.Find("fr", "proprietaire"), "owner"));
    EXPECT_TRUE(Offers(d.Find("fr", "livre"), "book"));
    EXPECT_EQ(d.Find("fr", "Livre"), nullptr) << "not the matching form";
    EXPECT_EQ(d.Find("fr", "zzqx"), nullptr);
    EXPECT_EQ(d.Find("xx", "livre"), nullptr);
    EXPECT_EQ(d.Find("fr", "livre")->front(), "book") << "the most used sense first";
    // حملة (campaign) needs the word in both directions, ara-eng and eng-ara.
    EXPECT_TRUE(Offers(d.Find("ar", NormalizeForMatching("\xD8\xAD\xD9\x85\xD9\x84\xD8\xA9")), "campaign"));
    EXPECT_EQ(Dictionary::SourceName("ar"), "FreeDict Arabic-English");
}

}  // namespace
}  // namespace dihya::analyze
