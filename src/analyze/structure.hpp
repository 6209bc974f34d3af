#pragma once

// The sentence structure of a specification: which words the text treats as entities ("manage books, members and
// loans", "each loan has ...", "members borrow books") and which fields it gives them ("books with title, ISBN and
// author", "vehicles (plate number, mileage)", "Products:" followed by "- name" lines). Lexicon-independent apart
// from the grammar words of the language (src/analyze/lexicon/*.yaml, `grammar`).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/lexicon.hpp"
#include "analyze/text.hpp"
#include "core/budget.hpp"

namespace dihya::analyze {

struct StatedField final {
    std::vector<std::size_t> tokens;  // the words naming the field, in order (determiners left out)
    std::vector<std::string> values;  // enum values listed after it ("status (open, closed)")
    bool weak = false;  // listed in parentheses after a plural noun, none of them field-like: maybe examples
    std::string name;   // a name the text implies without writing it ("a walk is done or cancelled": status)
};

struct StatedEntity final {
    std::vector<std::size_t> tokens;  // the words naming the entity (its head word included)
    std::size_t head = 0;             // the head word (English: the last, French and Arabic: the first)
    int strength = 0;                 // 3: fields stated, 2: listed / "each X", 1: subject or object
    std::vector<StatedField> fields;
    std::vector<std::size_t> refs;  // head tokens of entities this one refers to
    std::string action;             // set when named by a verb ("can reserve" → Reservation)
};

struct Structure final {
    std::vector<StatedEntity> entities;      // in order of the text
    std::vector<bool> field_word;            // per token: part of a stated field
    std::vector<bool> purpose;               // per token: describes the product ("an app for a gym"), not an entity
    std::vector<std::size_t> purpose_heads;  // head words of the phrases that describe the product
    std::string title;                       // after a title label at the start of a line ("Project: TaskFlow")
};

/// Reads `text` (tokenised, with its lexicon mentions) in `language`. Deterministic; linear in the number of tokens
/// (sentences are read at most kMaxSentenceTokens at a time). Stops early, with a partial structure, when `budget`
/// runs out: the caller checks the budget again.
Structure ReadStructure(std::string_view text, const TokenizedText& tokens, const std::vector<Mention>& mentions,
                        const Grammar& grammar, std::string_view language, const std::vector<std::string>& stopwords,
                        const Budget& budget = {});

}  // namespace dihya::analyze
