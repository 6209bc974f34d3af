#include "analyze/llm_analyzer.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

namespace dihya::analyze {

namespace json = boost::json;

namespace {

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

std::string HostOf(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    return u ? std::string(u->host()) : std::string("the configured URL");
}

/// The JSON object in a reply's content: the whole content, or the first {...} block (some models wrap it in a code
/// fence or a sentence).
Result<json::object> ObjectIn(std::string_view content) {
    boost::system::error_code ec;
    json::value v = json::parse(content, ec);
    if (ec) {
        const auto open = content.find('{');
        const auto close = content.rfind('}');
        if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
            return MakeError(ErrorCode::kInvalidArgument, "the answer holds no JSON object");
        }
        v = json::parse(content.substr(open, close - open + 1), ec);
        if (ec) return MakeError(ErrorCode::kInvalidArgument, "the answer is not valid JSON");
    }
    if (!v.is_object()) return MakeError(ErrorCode::kInvalidArgument, "the answer is not a JSON object");
    return std::move(v.as_object());
}

}  // namespace

std::string LlmAnalyzer::Prompt(const model::Vocabulary& vocab) {
    std::string stacks;
    for (const auto& [kind, values] : vocab.stacks) stacks += "  " + kind + ": " + Join(values) + "\n";
    return "You turn a project specification (a \"cahier des charges\", in French, English or Arabic) into a "
           "ProjectModel. Answer with one JSON object and nothing else:\n"
           "{\"model\": {...}, \"assumptions\": [{\"field\": \"...\", \"message\": \"...\"}]}\n"
           "The model has: name (kebab-case), title, description, domain (one of: " +
           Join(vocab.domains) +
           ", custom), locales (ISO 639-1 codes, the first is the default), roles (snake_case words), features "
           "(any of: " +
           Join(vocab.features) +
           "), entities (each {name: PascalCase English singular, fields: [{name: snake_case English, type, "
           "required?, unique?, values? (enum), ref? (the entity it refers to)}]}) and stacks:\n" +
           stacks +
           "Field types: string, text, int, float, bool, date, datetime, email, url, enum (with values), ref (with "
           "ref). Do not add an `id` field. Name things in English even when the text is not. List in "
           "`assumptions` every choice the text did not state (stacks, roles, fields), one short sentence each, "
           "in English.";
}

Result<Analysis> LlmAnalyzer::AskModel(std::string_view text, const model::Vocabulary& vocab, const Analysis& rules) {
    const std::string what = "language model at " + HostOf(options_.url);
    if (auto ok = net::CheckOutgoingUrl(options_.url, what); !ok) return ok.take_error();
    std::string url = options_.url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    const json::object request{
        {"model", options_.model},
        {"temperature", 0},
        {"response_format", {{"type", "json_object"}}},
        {"messages", json::array{json::object{{"role", "system"}, {"content", Prompt(vocab)}},
                                 json::object{{"role", "user"}, {"content", std::string(text)}}}}};
    net::HttpCall call{"POST",
                       url + "/chat/completions",
                       {"Content-Type: application/json", "Accept: application/json"},
                       json::serialize(request),
                       what};
    if (!options_.api_key.empty()) call.headers.push_back("Authorization: Bearer " + options_.api_key);
    auto reply = http_.Send(call);
    if (!reply) return reply.take_error();
    auto body = net::JsonOf(*reply, what);
    if (!body) return body.take_error();
    const auto* choices = body->is_object() ? body->as_object().if_contains("choices") : nullptr;
    if (choices == nullptr || !choices->is_array() || choices->as_array().empty()) {
        return MakeError(ErrorCode::kUnavailable, what + " answered without choices");
    }
    const json::value& first = choices->as_array()[0];
    const json::value* content = nullptr;
    if (first.is_object()) {
        if (const auto* message = first.as_object().if_contains("message");
            message != nullptr && message->is_object()) {
            content = message->as_object().if_contains("content");
        }
    }
    if (content == nullptr || !content->is_string()) {
        return MakeError(ErrorCode::kUnavailable, what + " answered without a message");
    }
    auto answer = ObjectIn(std::string_view(content->as_string()));
    if (!answer) return MakeError(ErrorCode::kInvalidArgument, what + ": " + answer.error().message);
    // {"model": {...}, "assumptions": [...]} as asked; a bare model is taken too.
    const json::value* model_json = answer->if_contains("model");
    const json::value model_value = model_json != nullptr ? *model_json : json::value(*answer);
    auto parsed = model::ParseModelValue(model_value, "model", vocab);
    if (!parsed) {
        return MakeError(ErrorCode::kInvalidArgument, what + " proposed an invalid model: " + parsed.error().message);
    }
    Analysis out;
    out.model = std::move(*parsed);
    out.language = rules.language;
    out.domain = out.model.domain.empty() ? rules.domain : out.model.domain;
    out.domain_confidence = out.domain == rules.domain ? rules.domain_confidence : 0.5;
    out.engine = "llm:" + options_.model;
    if (const auto* a = answer->if_contains("assumptions"); a != nullptr && a->is_array()) {
        for (const auto& item : a->as_array()) {
            if (!item.is_object()) continue;
            const auto* f = item.as_object().if_contains("field");
            const auto* m = item.as_object().if_contains("message");
            if (m == nullptr || !m->is_string()) continue;
            out.assumptions.push_back({f != nullptr && f->is_string() ? std::string(f->as_string()) : "model",
                                       std::string(m->as_string()).substr(0, 500)});
            if (out.assumptions.size() >= 50) break;
        }
    }
    return out;
}

Result<Analysis> LlmAnalyzer::Analyze(std::string_view text, const model::Vocabulary& vocab, const Budget& budget) {
    auto rules = rules_.Analyze(text, vocab, budget);  // validates the text, detects the language; the fallback
    if (!rules) return rules;
    auto asked = AskModel(text, vocab, *rules);
    if (asked) return asked;
    // Not an error for the caller: the rule-based engine answers, and says why.
    log_.Warn("language-model analysis failed; the rule-based engine answered", {{"error", asked.error().message}});
    rules->assumptions.insert(rules->assumptions.begin(),
                              {"engine", asked.error().message + "; the rule-based engine answered"});
    return rules;
}

}  // namespace dihya::analyze
