#include "model/spec_tree.hpp"

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "model/utf8.hpp"

namespace dihya::model {

const SpecNode* SpecNode::Find(std::string_view key) const {
    for (const auto& e : entries) {
        if (e.key == key) return e.value;
    }
    return nullptr;
}

SpecNode* SpecTree::NewNode() {
    if (nodes_.size() >= kMaxNodes) return nullptr;
    return &nodes_.emplace_back();
}

void SpecTree::Fail(int line, std::string reason) {
    if (!error_) error_ = SpecSyntaxError{line, std::move(reason)};
}

namespace {

constexpr std::string_view kTooLarge = "the document is too large (too many values; YAML aliases count once per use)";

bool IsBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view StripBom(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return text;
}

int LineAt(std::string_view text, std::size_t offset) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// --- YAML ------------------------------------------------------------------------------------------------------

// Builds the tree from yaml-cpp's parser events (not YAML::Node), so that aliases are shared instead of copied
// and their expanded size is bounded, and so that LoadAll is avoided: it loops forever on some malformed input
// (a lone ","), where HandleNextDocument keeps reporting empty documents.
class YamlBuilder final : public YAML::EventHandler {
public:
    explicit YamlBuilder(SpecTree& tree) : tree_(tree) {}

    const SpecNode* root() const { return root_; }
    /// A problem found while building; syntax errors that the parser throws later take precedence.
    const std::optional<SpecSyntaxError>& error() const { return error_; }

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        SpecNode* node = New(mark, SpecNode::Kind::kNull);
        if (node == nullptr) return;
        Attach(node, 1, true);
        Remember(anchor, node, 1);
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        if (error_) return;
        if (anchor >= anchors_.size() || anchors_[anchor].node == nullptr) {
            Fail(Line(mark), "invalid YAML: unknown alias");
            return;
        }
        const Anchor& target = anchors_[anchor];
        if (target.open) {
            Fail(Line(mark), "invalid YAML: an alias refers to a value that contains it");
            return;
        }
        expanded_ += target.size;
        if (expanded_ > SpecTree::kMaxNodes) {
            Fail(Line(mark), std::string(kTooLarge));
            return;
        }
        Attach(target.node, target.size, false);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        SpecNode* node = New(mark, SpecNode::Kind::kScalar);
        if (node == nullptr) return;
        node->scalar = value;
        node->quoted = tag != "?";  // "!" for quoted scalars, a full tag for explicit ones (!!str)
        Attach(node, 1, true);
        Remember(anchor, node, 1);
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        Open(mark, SpecNode::Kind::kSequence, anchor);
    }
    void OnSequenceEnd() override { Close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        Open(mark, SpecNode::Kind::kMap, anchor);
    }
    void OnMapEnd() override { Close(); }

private:
    struct Frame {
        SpecNode* node = nullptr;
        YAML::anchor_t anchor = YAML::NullAnchor;
        std::size_t size = 1;  // expanded size: this node and everything below it, aliases included
        bool expect_key = true;
        std::string key;
        int key_line = 0;
    };
    struct Anchor {
        SpecNode* node = nullptr;
        std::size_t size = 1;
        bool open = false;
    };

    void Fail(int line, std::string reason) {
        if (!error_) error_ = SpecSyntaxError{line, std::move(reason)};
    }

    static int Line(const YAML::Mark& mark) { return mark.is_null() || mark.line < 0 ? 0 : mark.line + 1; }

    SpecNode* New(const YAML::Mark& mark, SpecNode::Kind kind) {
        if (error_) return nullptr;
        SpecNode* node = tree_.NewNode();
        if (node == nullptr || ++expanded_ > SpecTree::kMaxNodes) {
            Fail(Line(mark), std::string(kTooLarge));
            return nullptr;
        }
        node->kind = kind;
        node->line = Line(mark);
        return node;
    }

    void Remember(YAML::anchor_t anchor, SpecNode* node, std::size_t size) {
        if (anchor == YAML::NullAnchor) return;
        if (anchor >= anchors_.size()) anchors_.resize(anchor + 1);
        anchors_[anchor] = Anchor{node, size, false};
    }

    /// Adds a finished (or just opened) value to the enclosing list or map. `own` is false for shared (aliased)
    /// nodes, whose line must stay that of their definition.
    void Attach(SpecNode* node, std::size_t size, bool own) {
        if (error_) return;
        if (stack_.empty()) {
            if (root_ == nullptr) root_ = node;
            return;
        }
        Frame& parent = stack_.back();
        parent.size += size;
        if (parent.node->IsSequence()) {
            parent.node->items.push_back(node);
            return;
        }
        if (parent.expect_key) {
            if (!node->IsScalar()) {
                Fail(node->line > 0 ? node->line : parent.node->line,
                     "keys must be plain names, not lists, maps or empty values");
                return;
            }
            parent.key = node->scalar;
            parent.key_line = node->line;
            parent.expect_key = false;
            return;
        }
        // Empty values are marked at the next token, often on a later line; a block list or map under a key
        // starts on the next line, and problems with it as a whole ("at most 50 entities") read best on the line
        // of its key.
        if (own && (node->IsNull() || node->IsSequence() || node->IsMap() || node->line == 0)) {
            node->line = parent.key_line;
        }
        parent.node->entries.push_back({std::move(parent.key), parent.key_line, node});
        parent.key.clear();
        parent.expect_key = true;
    }

    void Open(const YAML::Mark& mark, SpecNode::Kind kind, YAML::anchor_t anchor) {
        if (error_) return;
        if (stack_.size() >= static_cast<std::size_t>(SpecTree::kMaxDepth)) {
            Fail(Line(mark), "the document is nested too deeply");
            return;
        }
        SpecNode* node = New(mark, kind);
        if (node == nullptr) return;
        Attach(node, 0, true);  // its size is added when it closes
        Remember(anchor, node, 1);
        if (anchor != YAML::NullAnchor) anchors_[anchor].open = true;
        Frame frame;
        frame.node = node;
        frame.anchor = anchor;
        stack_.push_back(std::move(frame));
    }

    void Close() {
        if (error_ || stack_.empty()) return;
        const Frame frame = std::move(stack_.back());
        stack_.pop_back();
        if (frame.anchor != YAML::NullAnchor) anchors_[frame.anchor] = Anchor{frame.node, frame.size, false};
        if (!stack_.empty()) stack_.back().size += frame.size;
    }

    SpecTree& tree_;
    const SpecNode* root_ = nullptr;
    std::vector<Frame> stack_;
    std::vector<Anchor> anchors_;
    std::size_t expanded_ = 0;
    std::optional<SpecSyntaxError> error_;
};

/// Notes whether the parser finds another document, and where.
class DocumentProbe final : public YAML::EventHandler {
public:
    int line = 0;

    void OnDocumentStart(const YAML::Mark& mark) override { line = mark.is_null() ? 0 : mark.line + 1; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

void ParseYaml(std::string_view text, SpecTree& tree) {
    std::istringstream input{std::string(text)};
    YAML::Parser parser(input);
    YamlBuilder builder(tree);
    DocumentProbe probe;
    bool more = false;
    try {
        if (!parser.HandleNextDocument(builder)) {
            tree.Fail(1, "the document is empty");
            return;
        }
        if (!builder.error()) more = parser.HandleNextDocument(probe);  // once only: see YamlBuilder
    } catch (const YAML::Exception& e) {
        // Errors found at the end of the input are reported on the last line with text.
        const std::size_t last = text.find_last_not_of(" \t\r\n");
        const int last_line = last == std::string_view::npos ? 1 : LineAt(text, last);
        const int line = e.mark.is_null() ? 0 : std::min(e.mark.line + 1, last_line);
        tree.Fail(line, "invalid YAML: " + e.msg);
        return;
    }
    if (builder.error()) {
        tree.Fail(builder.error()->line, builder.error()->reason);
        return;
    }
    if (more) {
        tree.Fail(probe.line,
                  "invalid YAML: the document should end here (check the indentation, or remove an "
                  "extra '---')");
        return;
    }
    if (builder.root() == nullptr) {
        tree.Fail(1, "the document is empty");
        return;
    }
    tree.SetRoot(builder.root());
}

// --- JSON ------------------------------------------------------------------------------------------------------

// A SAX handler for boost::json::basic_parser. The input is fed one line at a time, so every event happens while
// `line` is the line of the token that completed it (strings and numbers cannot span lines in JSON, and a number
// is completed by the character after it, which is on its own line at the latest by the newline).
class JsonBuilder final {
public:
    // Limits required by basic_parser, under the names it looks for.
    // NOLINTBEGIN(readability-identifier-naming)
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
    // NOLINTEND(readability-identifier-naming)

    explicit JsonBuilder(SpecTree* tree) : tree_(tree) {}

    int line = 1;
    bool too_large = false;

    bool on_document_begin(boost::json::error_code&) { return true; }
    bool on_document_end(boost::json::error_code&) { return true; }
    bool on_object_begin(boost::json::error_code& ec) { return Open(SpecNode::Kind::kMap, ec); }
    bool on_object_end(std::size_t, boost::json::error_code&) { return Close(); }
    bool on_array_begin(boost::json::error_code& ec) { return Open(SpecNode::Kind::kSequence, ec); }
    bool on_array_end(std::size_t, boost::json::error_code&) { return Close(); }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        buffer_.append(s.data(), s.size());
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        buffer_.append(s.data(), s.size());
        key_ = std::move(buffer_);
        buffer_.clear();
        key_line_ = line;
        return true;
    }
    bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
        buffer_.append(s.data(), s.size());
        return true;
    }
    bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code& ec) {
        buffer_.append(s.data(), s.size());
        const bool ok = Scalar(std::move(buffer_), true, ec);
        buffer_.clear();
        return ok;
    }
    bool on_number_part(boost::json::string_view s, boost::json::error_code&) {
        buffer_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t, boost::json::string_view s, boost::json::error_code& ec) { return Number(s, ec); }
    bool on_uint64(std::uint64_t, boost::json::string_view s, boost::json::error_code& ec) { return Number(s, ec); }
    bool on_double(double, boost::json::string_view s, boost::json::error_code& ec) { return Number(s, ec); }
    bool on_bool(bool b, boost::json::error_code& ec) { return Scalar(b ? "true" : "false", false, ec); }
    bool on_null(boost::json::error_code& ec) { return Add(SpecNode::Kind::kNull, ec) != nullptr; }
    bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

private:
    SpecNode* Add(SpecNode::Kind kind, boost::json::error_code& ec) {
        SpecNode* node = tree_->NewNode();
        if (node == nullptr) {
            too_large = true;
            ec = boost::json::error::exception;
            return nullptr;
        }
        node->kind = kind;
        node->line = line;
        if (stack_.empty()) {
            tree_->SetRoot(node);
            return node;
        }
        SpecNode* parent = stack_.back();
        if (parent->IsSequence()) {
            parent->items.push_back(node);
        } else {
            parent->entries.push_back({std::move(key_), key_line_, node});
            key_.clear();
        }
        return node;
    }
    bool Open(SpecNode::Kind kind, boost::json::error_code& ec) {
        SpecNode* node = Add(kind, ec);
        if (node == nullptr) return false;
        stack_.push_back(node);
        return true;
    }
    bool Close() {
        stack_.pop_back();
        return true;
    }
    bool Scalar(std::string text, bool quoted, boost::json::error_code& ec) {
        SpecNode* node = Add(SpecNode::Kind::kScalar, ec);
        if (node == nullptr) return false;
        node->scalar = std::move(text);
        node->quoted = quoted;
        return true;
    }
    bool Number(boost::json::string_view last, boost::json::error_code& ec) {
        buffer_.append(last.data(), last.size());
        const bool ok = Scalar(std::move(buffer_), false, ec);
        buffer_.clear();
        return ok;
    }

    SpecTree* tree_;
    std::vector<SpecNode*> stack_;
    std::string buffer_;
    std::string key_;
    int key_line_ = 0;
};

std::string Near(std::string_view rest) {
    const std::size_t end = std::min(rest.find('\n'), std::size_t{24});
    std::string snippet(rest.substr(0, end));
    while (!snippet.empty() && IsBlank(snippet.back())) snippet.pop_back();
    // Do not cut a multi-byte character in half.
    while (!snippet.empty() && (static_cast<unsigned char>(snippet.back()) & 0xC0) == 0x80) snippet.pop_back();
    if (!snippet.empty() && static_cast<unsigned char>(snippet.back()) >= 0xC0) snippet.pop_back();
    return snippet.empty() ? "at the end of the line" : "near '" + snippet + "'";
}

void ParseJson(std::string_view text, SpecTree& tree) {
    boost::json::parse_options options;
    options.max_depth = SpecTree::kMaxDepth;
    boost::json::basic_parser<JsonBuilder> parser(options, &tree);
    const auto fail = [&](int line, const boost::json::error_code& ec, std::string_view rest, std::size_t column) {
        if (parser.handler().too_large) {
            tree.Fail(line, std::string(kTooLarge));
            return;
        }
        tree.Fail(line, "invalid JSON: " + ec.message() + " at column " + std::to_string(column) + " " + Near(rest));
    };

    std::size_t pos = 0;
    int line = 1;
    while (pos < text.size()) {
        const std::size_t newline = text.find('\n', pos);
        const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
        parser.handler().line = line;
        boost::json::error_code ec;
        const std::size_t used = parser.write_some(true, text.data() + pos, end - pos, ec);
        if (ec) {
            const std::string_view chunk = text.substr(pos, end - pos);
            fail(line, ec, chunk.substr(used), utf8::Length(chunk.substr(0, used)) + 1);
            return;
        }
        if (parser.done()) {
            const std::size_t extra = text.find_first_not_of(" \t\r\n", pos + used);
            if (extra != std::string_view::npos) {
                const int extra_line = LineAt(text, extra);
                const std::size_t line_start =
                    text.rfind('\n', extra) == std::string_view::npos ? 0 : text.rfind('\n', extra) + 1;
                tree.Fail(extra_line,
                          "invalid JSON: unexpected text after the document at column " +
                              std::to_string(utf8::Length(text.substr(line_start, extra - line_start)) + 1) + " " +
                              Near(text.substr(extra)));
            }
            return;
        }
        pos = end;
        if (newline != std::string_view::npos) ++line;
    }
    boost::json::error_code ec;
    parser.write_some(false, nullptr, 0, ec);
    if (ec) {
        // Report the end of input on the last line that has text.
        std::size_t last = text.find_last_not_of(" \t\r\n");
        const int last_line = last == std::string_view::npos ? 1 : LineAt(text, last);
        tree.Fail(last_line, "invalid JSON: " + ec.message() + " (the document ends too early)");
        return;
    }
}

// --- boost::json::value -----------------------------------------------------------------------------------------

const SpecNode* FromValue(const boost::json::value& v, int depth, SpecTree& tree) {
    if (tree.error()) return nullptr;
    if (depth > SpecTree::kMaxDepth) {
        tree.Fail(0, "the document is nested too deeply");
        return nullptr;
    }
    SpecNode* node = tree.NewNode();
    if (node == nullptr) {
        tree.Fail(0, std::string(kTooLarge));
        return nullptr;
    }
    switch (v.kind()) {
        case boost::json::kind::null: node->kind = SpecNode::Kind::kNull; break;
        case boost::json::kind::bool_:
            node->kind = SpecNode::Kind::kScalar;
            node->scalar = v.get_bool() ? "true" : "false";
            break;
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_:
            node->kind = SpecNode::Kind::kScalar;
            node->scalar = boost::json::serialize(v);
            break;
        case boost::json::kind::string:
            node->kind = SpecNode::Kind::kScalar;
            node->scalar = std::string(v.get_string());
            node->quoted = true;
            break;
        case boost::json::kind::array:
            node->kind = SpecNode::Kind::kSequence;
            for (const auto& item : v.get_array()) {
                const SpecNode* child = FromValue(item, depth + 1, tree);
                if (child == nullptr) return nullptr;
                node->items.push_back(child);
            }
            break;
        case boost::json::kind::object:
            node->kind = SpecNode::Kind::kMap;
            for (const auto& kv : v.get_object()) {
                const SpecNode* child = FromValue(kv.value(), depth + 1, tree);
                if (child == nullptr) return nullptr;
                node->entries.push_back({std::string(kv.key()), 0, child});
            }
            break;
    }
    return node;
}

}  // namespace

SpecTree SpecTree::Parse(std::string_view text, SpecFormat format) {
    SpecTree tree;
    text = StripBom(text);
    const std::size_t bad = utf8::FindInvalid(text);
    if (bad != std::string_view::npos) {
        tree.Fail(LineAt(text, bad), "the document is not valid UTF-8");
        return tree;
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        tree.Fail(1, "the document is empty");
        return tree;
    }
    if (format == SpecFormat::kJson) {
        ParseJson(text, tree);
    } else {
        ParseYaml(text, tree);
    }
    if (tree.error()) tree.root_ = nullptr;
    return tree;
}

SpecTree SpecTree::FromJson(const boost::json::value& value) {
    SpecTree tree;
    const SpecNode* root = FromValue(value, 0, tree);
    if (!tree.error()) tree.SetRoot(root);
    return tree;
}

std::optional<SpecFormat> FormatFromOrigin(std::string_view origin) {
    const auto ends_with = [&](std::string_view ext) {
        if (origin.size() < ext.size()) return false;
        const std::string_view tail = origin.substr(origin.size() - ext.size());
        return std::equal(tail.begin(), tail.end(), ext.begin(), [](char a, char b) {
            return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
        });
    };
    if (ends_with(".json")) return SpecFormat::kJson;
    if (ends_with(".yaml") || ends_with(".yml")) return SpecFormat::kYaml;
    return std::nullopt;
}

SpecFormat SniffFormat(std::string_view text) {
    text = StripBom(text);
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) return SpecFormat::kJson;
    return SpecFormat::kYaml;
}

}  // namespace dihya::model
