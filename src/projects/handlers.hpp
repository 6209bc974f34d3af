#pragma once

#include "http/app.hpp"
#include "projects/service.hpp"

namespace dihya::projects {

/// /api/v1/projects[/{id}[/generations[/{gid}[/log|/archive|/files[/{path*}]]]]].
void Register(http::App& app, ProjectsService& service);

/// A project as GET /api/v1/projects/{id} answers it (also what GraphQL's Project reads).
boost::json::value ProjectJson(const Project& project);
/// A member as GET /api/v1/projects/{id}/members lists it.
boost::json::value MemberJson(const Member& member);
/// A generation as GET …/generations/{gid} answers it, without its log.
boost::json::value GenerationJson(const jobs::Job& generation);

/// `"v3"` for version 3: the ETag of a project, and what If-Match names.
std::string ProjectEtag(std::int64_t version);

/// The version an If-Match header names: nullopt when absent or `*`; 0 (never a version) when it names none of
/// ours, so that it fails. Weak tags never match (RFC 9110 §13.1.1).
std::optional<std::int64_t> IfMatchVersion(const http::Request& request);

/// Content type of a previewed file, from its name and content (binary content is application/octet-stream).
std::string PreviewContentType(std::string_view path, std::string_view content);

}  // namespace dihya::projects
