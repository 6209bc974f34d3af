#include "core/problem.hpp"

#include <boost/json.hpp>

namespace dihya {

namespace json = boost::json;

ProblemKind ProblemKindOf(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidArgument: return {400, "invalid-argument", "Invalid request"};
        case ErrorCode::kNotFound: return {404, "not-found", "Not found"};
        case ErrorCode::kAlreadyExists: return {409, "already-exists", "Already exists"};
        case ErrorCode::kConflict: return {409, "conflict", "Conflict"};
        case ErrorCode::kPreconditionFailed: return {412, "precondition-failed", "Precondition failed"};
        case ErrorCode::kUnauthenticated: return {401, "unauthenticated", "Authentication required"};
        case ErrorCode::kPermissionDenied: return {403, "permission-denied", "Permission denied"};
        case ErrorCode::kRateLimited: return {429, "rate-limited", "Too many requests"};
        case ErrorCode::kPayloadTooLarge: return {413, "payload-too-large", "Payload too large"};
        case ErrorCode::kUnavailable: return {503, "unavailable", "Service unavailable"};
        case ErrorCode::kTimeout: return {504, "timeout", "Timed out"};
        case ErrorCode::kInternal: return {500, "internal", "Internal error"};
        case ErrorCode::kInsufficientStorage: return {507, "insufficient-storage", "Insufficient storage"};
    }
    return {500, "internal", "Internal error"};
}

namespace {

std::string TypeUri(std::string_view slug) {
    return "/docs/problems#" + std::string(slug);
}

std::string SlugForStatus(int status) {
    switch (status) {
        case 400: return "bad-request";
        case 404: return "not-found";
        case 405: return "method-not-allowed";
        case 408: return "request-timeout";
        case 413: return "payload-too-large";
        case 431: return "headers-too-large";
        case 429: return "rate-limited";
        case 503: return "unavailable";
        default: return "http-" + std::to_string(status);
    }
}

}  // namespace

std::string ProblemJson(const Error& error, std::string_view instance) {
    const ProblemKind kind = ProblemKindOf(error.code);
    json::object doc;
    doc["type"] = TypeUri(kind.slug);
    doc["title"] = kind.title;
    doc["status"] = kind.status;
    doc["detail"] = error.message.empty() ? std::string(kind.title) : error.message;
    doc["instance"] = instance;
    if (!error.details.empty()) {
        json::array errors;
        for (const auto& [field, reason] : error.details) {
            errors.push_back(json::object{{"field", field}, {"reason", reason}});
        }
        doc["errors"] = std::move(errors);
    }
    return json::serialize(doc);
}

std::string ProblemJson(int status, std::string_view title, std::string_view detail, std::string_view instance) {
    json::object doc;
    doc["type"] = TypeUri(SlugForStatus(status));
    doc["title"] = title;
    doc["status"] = status;
    doc["detail"] = detail;
    doc["instance"] = instance;
    return json::serialize(doc);
}

}  // namespace dihya
