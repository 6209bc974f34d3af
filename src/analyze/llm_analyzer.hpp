#pragma once

// The optional analysis engine: an OpenAI-compatible chat-completions endpoint (OpenAI, a local llama.cpp or
// Ollama server, ...) configured by URL (analyze.llm_url). It is asked for a ProjectModel as JSON; what it answers is
// validated like any specification. When it is not configured, not reachable, slow, or answers something that is
// not a valid model, the rule-based engine answers, and the analysis says so (engine "rules" and an assumption on
// the field "engine").

#include <cstdint>
#include <string>

#include "analyze/analyzer.hpp"
#include "core/log.hpp"
#include "net/http_client.hpp"

namespace dihya::analyze {

struct LlmOptions {
    std::string url;  // base URL: <url>/chat/completions is called, e.g. https://api.openai.com/v1
    std::string model;
    std::string api_key;  // sent as a bearer token; never logged
};

class LlmAnalyzer final : public Analyzer {
public:
    LlmAnalyzer(Analyzer& rules, const net::HttpClient& http, Logger& log, LlmOptions options)
        : rules_(rules), http_(http), log_(log), options_(std::move(options)) {}

    using Analyzer::Analyze;
    Result<Analysis> Analyze(std::string_view text, const model::Vocabulary& vocab, const Budget& budget) override;

    /// The system prompt: what a ProjectModel is and which values the vocabulary allows.
    static std::string Prompt(const model::Vocabulary& vocab);

private:
    Result<Analysis> AskModel(std::string_view text, const model::Vocabulary& vocab, const Analysis& rules);

    Analyzer& rules_;
    const net::HttpClient& http_;
    Logger& log_;
    LlmOptions options_;
};

}  // namespace dihya::analyze
