#pragma once

// Static files served by the binary (docs, account pages, the console): read once and kept in memory, looked up
// only by confined relative paths.

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dihya::http {

struct Request;
struct Response;

/// The Content-Type of a file by its extension (text types with charset=utf-8).
std::string ContentTypeOf(const std::string& name);

/// Whether `path` may name a static file: one or more segments of [A-Za-z0-9._-], none empty or starting with '.'
/// (no dot-files, no '..'), at most 200 bytes.
bool SafeStaticPath(const std::string& path);

/// Files under a fixed list of folders, read on first use and kept; a path must pass SafeStaticPath, so no lookup
/// can leave the folders.
class StaticFiles final {
public:
    explicit StaticFiles(std::vector<std::filesystem::path> roots) : roots_(std::move(roots)) {}
    /// The file's content, or null when no root has it.
    const std::string* Get(const std::string& path);

private:
    std::vector<std::filesystem::path> roots_;
    std::mutex mu_;
    std::map<std::string, std::optional<std::string>> cache_;
};

/// A static file's answer: 200 with its content type, or 304 when If-None-Match names its strong ETag; with that
/// ETag, `cache_control` and the page's Content-Security-Policy.
Response StaticResponse(const Request& request, const std::string& name, const std::string& content,
                        std::string_view cache_control, std::string_view csp);

}  // namespace dihya::http
