#include "generator/handlers.hpp"

#include <boost/json.hpp>

#include "core/crypto.hpp"
#include "core/dto.hpp"
#include "generator/archive.hpp"
#include "generator/spec_input.hpp"

namespace dihya::generator {

struct GenerateRequest {
    std::optional<boost::json::value> model;
    std::optional<std::string> text;
    std::optional<std::string> spec;
    std::optional<std::string> type;
    std::optional<std::string> stack;
};
BOOST_DESCRIBE_STRUCT(GenerateRequest, (), (model, text, spec, type, stack))

}  // namespace dihya::generator

template <>
struct dihya::dto::Rules<dihya::generator::GenerateRequest> {
    static FieldRules Get() { return generator::SpecInputRules(); }
};

namespace dihya::generator {

namespace {

Result<model::ProjectModel> ModelOf(const GenerateRequest& req, analyze::Analyzer& analyzer,
                                    const model::Vocabulary& vocabulary, Budget budget) {
    auto resolved =
        ResolveSpec({req.model, req.text, req.spec, req.type, req.stack, std::move(budget)}, analyzer, vocabulary);
    if (!resolved) return resolved.take_error();
    return std::move(resolved->model);
}

/// The files a generation of `name` would hold, in the shape of a generation's file list (without urls).
http::Response FileList(const std::string& name, const Tree& tree) {
    boost::json::array items;
    std::int64_t total = 0;
    for (const GeneratedFile& f : tree.files) {
        const auto size = static_cast<std::int64_t>(f.content.size());
        total += size;
        items.push_back(boost::json::object{
            {"path", f.path}, {"size", size}, {"sha256", crypto::Sha256Hex(f.content)}, {"executable", f.executable}});
    }
    const auto count = static_cast<std::int64_t>(items.size());
    http::Response r = http::Response::Json(
        200, boost::json::object{{"name", name}, {"items", std::move(items)}, {"count", count}, {"total_size", total}});
    r.headers.Set("Cache-Control", "no-store");
    return r;
}

}  // namespace

void Register(http::App& app, const Engine& engine, analyze::Analyzer& analyzer, const model::Vocabulary& vocabulary) {
    app.router.Add({
        .method = "POST",
        .path = "/api/v1/generate",
        .operation_id = "generateProject",
        .summary = "Generate a project archive from a model or a free-text specification",
        .description = "Stateless. The archive is reproducible: the same model and pack versions give the same "
                       "bytes, whose SHA-256 is in X-Archive-SHA256 (and the ETag). A stack with no template pack "
                       "is a 400 naming it. `format=files` renders the same project without packing it and answers "
                       "the list of its files (path, size, SHA-256, executable): what a regeneration would write, "
                       "to compare with a generation's files before generating.",
        .tag = "generator",
        .request_schema = dto::Schema<GenerateRequest>(),
        .params = {{"format", "query", "archive format",
                    boost::json::object{{"type", "string"}, {"enum", {"zip", "tar.gz", "files"}}, {"default", "zip"}}}},
        .responses = {{200, "The project archive",
                       boost::json::object{{"type", "string"}, {"contentMediaType", "application/zip"}},
                       "application/zip"},
                      {400, "Invalid model or text, or a stack without a pack"},
                      {503, "The server is busy with other analyses and generations (Retry-After)"},
                      {504, "The analysis of the text exceeded limits.analyze_budget_ms"}},
        .work = http::Work::kCompute,  // rendering and compressing: CPU work for the worker pool
        .handler =
            [&engine, &analyzer, &vocabulary,
             limit = std::chrono::milliseconds(app.config.limits.analyze_budget_ms)](http::Request& request) {
                const std::string format_name = request.QueryParam("format").value_or("zip");
                const bool list_only = format_name == "files";
                auto format = ParseArchiveFormat(list_only ? "zip" : format_name);
                if (!format) {
                    return http::Response::Problem(Error{ErrorCode::kInvalidArgument,
                                                         "format must be zip, tar.gz or files",
                                                         {{"format", "must be zip, tar.gz or files"}}},
                                                   request.request_id);
                }
                auto body = http::ParseJsonBody(request);
                if (!body) return http::Response::Problem(body.error(), request.request_id);
                auto req = dto::Decode<GenerateRequest>(*body);
                if (!req) return http::Response::Problem(req.error(), request.request_id);
                auto m = ModelOf(*req, analyzer, vocabulary, http::BudgetOf(request, limit, "the analysis"));
                if (!m) return http::Response::Problem(m.error(), request.request_id);
                auto tree = engine.Render(*m);
                if (!tree) return http::Response::Problem(tree.error(), request.request_id);
                if (list_only) return FileList(m->name, *tree);
                auto archive = WriteArchive(*tree, *format, {m->name});
                if (!archive) return http::Response::Problem(archive.error(), request.request_id);
                const bool zip = *format == ArchiveFormat::kZip;
                http::Response r =
                    http::Response::Text(200, std::move(archive->bytes), zip ? "application/zip" : "application/gzip");
                r.headers.Set("Content-Disposition",
                              "attachment; filename=\"" + m->name + (zip ? ".zip" : ".tar.gz") + "\"");
                r.headers.Set("X-Archive-SHA256", archive->sha256);
                r.headers.Set("ETag", "\"" + archive->sha256 + "\"");
                return r;
            },
    });
}

}  // namespace dihya::generator
