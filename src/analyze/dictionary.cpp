#include "analyze/dictionary.hpp"

#include "analyze/text.hpp"

// The tables, put in the binary by the assembler (dictionary_data.S, generated at build time).
extern "C" const char dihya_dictionary_fr[];
extern "C" const char dihya_dictionary_fr_end[];
extern "C" const char dihya_dictionary_ar[];
extern "C" const char dihya_dictionary_ar_end[];

namespace dihya::analyze {

const Dictionary& Dictionary::Embedded() {
    static const Dictionary dictionary = [] {
        Dictionary d;
        d.Load("fr", std::string_view(dihya_dictionary_fr,
                                      static_cast<std::size_t>(dihya_dictionary_fr_end - dihya_dictionary_fr)));
        d.Load("ar", std::string_view(dihya_dictionary_ar,
                                      static_cast<std::size_t>(dihya_dictionary_ar_end - dihya_dictionary_ar)));
        return d;
    }();
    return dictionary;
}

void Dictionary::Load(std::string_view language, std::string_view tsv) {
    auto& table = tables_[std::string(language)];
    std::size_t pos = 0;
    while (pos < tsv.size()) {
        std::size_t end = tsv.find('\n', pos);
        if (end == std::string_view::npos) end = tsv.size();
        const std::string_view line = tsv.substr(pos, end - pos);
        pos = end + 1;
        const std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos || tab == 0) continue;
        const std::string key = NormalizeForMatching(line.substr(0, tab));
        if (key.empty() || key.find(' ') != std::string::npos) continue;
        std::vector<std::string> english;
        std::string_view rest = line.substr(tab + 1);
        while (!rest.empty()) {
            const std::size_t bar = rest.find('|');
            const std::string_view one = rest.substr(0, bar);
            if (!one.empty()) english.emplace_back(one);
            if (bar == std::string_view::npos) break;
            rest.remove_prefix(bar + 1);
        }
        if (!english.empty()) table.emplace(key, std::move(english));  // the first spelling of a word wins
    }
}

const std::vector<std::string>* Dictionary::Find(std::string_view language, std::string_view word) const {
    const auto t = tables_.find(std::string(language));
    if (t == tables_.end()) return nullptr;
    const auto it = t->second.find(std::string(word));
    return it == t->second.end() ? nullptr : &it->second;
}

std::size_t Dictionary::Size(std::string_view language) const {
    const auto t = tables_.find(std::string(language));
    return t == tables_.end() ? 0 : t->second.size();
}

std::string_view Dictionary::SourceName(std::string_view language) {
    return language == "ar" ? "FreeDict Arabic-English" : "FreeDict French-English";
}

}  // namespace dihya::analyze
