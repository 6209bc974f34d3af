#include "collab/handlers.hpp"

#include <memory>
#include <string>

#include <boost/json.hpp>

#include "auth/middleware.hpp"
#include "core/dto.hpp"
#include "http/kit.hpp"
#include "projects/handlers.hpp"
#include "realtime/handlers.hpp"

namespace dihya::collab {

namespace json = boost::json;
using http::Problem;
using http::Request;
using http::Response;

namespace dto_types {

struct DocumentDto {
    std::string project_id;
    std::string text;
    std::int64_t bytes;
    std::int64_t updates;
    std::int64_t peers;
    std::string url;
};
BOOST_DESCRIBE_STRUCT(DocumentDto, (), (project_id, text, bytes, updates, peers, url))

}  // namespace dto_types

namespace d = dto_types;

void Register(http::App& app, Rooms& rooms, auth::AuthService& auth) {
    app.tags.push_back(
        {"collaboration",
         "Editing a project's specification together: the y-websocket protocol (docs/collaboration.md)"});
    app.metrics.AddGauge("dihya_collab_open_documents", "Collaborative documents with connections on them.",
                         [&rooms] { return static_cast<double>(rooms.open_rooms()); });
    const auto send_queue = static_cast<std::size_t>(app.config.realtime.send_queue);
    const auto max_message = static_cast<std::size_t>(app.config.realtime.collab_max_bytes);

    app.router.Add(
        {.method = "GET",
         .path = "/api/v1/collab/{id:uuid}",
         .operation_id = "collabSocket",
         .summary = "WebSocket speaking the y-websocket protocol: edit the project's specification together",
         .description =
             "For stock `yjs` + `y-websocket` clients: `new WebsocketProvider(base + '/api/v1/collab', projectId, "
             "doc, {params: {ticket}})`. The document's Y.Text `spec` holds the specification as YAML (it starts "
             "as the project's current specification). Authenticate with `Authorization: Bearer` (API keys and "
             "access tokens) or `?ticket=` from POST /api/v1/auth/ticket (browsers). Owners and editors edit; "
             "viewers follow and show their cursor (awareness) but their edits are refused with the protocol's "
             "permission-denied message. Saving is POST /api/v1/projects/{id}/collab/save. Close codes: 4403 no "
             "longer a member, 4404 project deleted, 4413 document too large, 4429 too many connections, 1007 "
             "malformed message, 1011 storage failed (reconnect).",
         .tag = "collaboration",
         .params = {{"ticket", "query", "A realtime ticket (instead of Authorization)",
                     json::object{{"type", "string"}}, false}},
         .responses = {{101, "Switching to the WebSocket protocol"},
                       {401, "Not signed in"},
                       {404, "No such project, or not shared with you"},
                       {426, "Not a WebSocket upgrade request"}},
         .handler = [&rooms, &auth, send_queue, max_message](Request& req) {
             auto caller = realtime::LiveCaller(req, auth);
             if (!caller) return Problem(req, caller.error());
             const auth::Principal& who = *caller;
             const std::string id = req.path_params["id"];
             auto can_edit = rooms.CanEdit(who, id);
             if (!can_edit) return Problem(req, can_edit.error());
             if (!http::IsWebSocketUpgrade(req)) {
                 Response r = Response::Problem(426, "Upgrade required",
                                                "this is a WebSocket endpoint: connect with a y-websocket client",
                                                req.request_id);
                 r.headers.Set("Upgrade", "websocket");
                 return r;
             }
             Response r = Response::Empty(101);
             r.live_kind = http::LiveKind::kWebSocket;
             r.live = std::make_shared<CollabSession>(rooms, id, who.user_id, *can_edit, send_queue, max_message);
             return r;
         }});

    app.router.Add(
        {.method = "GET",
         .path = "/api/v1/projects/{id:uuid}/collab",
         .operation_id = "getCollabDocument",
         .summary = "The collaborative document's current text, its stored size and who is connected",
         .description = "Before anyone opened it, `text` is the project's specification as YAML (what the document "
                        "will start from) and `updates` is 0.",
         .tag = "collaboration",
         .responses = {{200, "The document", dto::Schema<d::DocumentDto>()},
                       {401, "Not signed in"},
                       {404, "No such project"}},
         .requires_auth = true,
         .handler = [&rooms](Request& req) {
             const std::string id = req.path_params["id"];
             auto info = rooms.Info(auth::PrincipalOf(req), id);
             if (!info) return Problem(req, info.error());
             return http::NoStore(Response::Json(
                 200, dto::Encode(d::DocumentDto{id, info->text, static_cast<std::int64_t>(info->bytes),
                                                 static_cast<std::int64_t>(info->updates),
                                                 static_cast<std::int64_t>(info->peers), "/api/v1/collab/" + id})));
         }});

    app.router.Add({.method = "POST",
                    .path = "/api/v1/projects/{id:uuid}/collab/save",
                    .operation_id = "saveCollabDocument",
                    .summary = "Make the collaborative document's text the project's specification (a new version)",
                    .description =
                        "The text is checked as any specification: errors name spec:line and the field. "
                        "`If-Match` (the ETag of the version the editors started from) refuses the save with 412 "
                        "when the project changed meanwhile by another way.",
                    .tag = "collaboration",
                    .params = {{"If-Match", "header", "the project's ETag", json::object{{"type", "string"}}, false}},
                    .responses = {{200, "The project at its new version"},
                                  {400, "The text is not a valid specification (spec:line:field)"},
                                  {403, "Viewers do not save"},
                                  {404, "No such project"},
                                  {412, "The project is at another version than If-Match"}},
                    .requires_auth = true,
                    .handler = [&rooms](Request& req) {
                        auto saved = rooms.Save(auth::PrincipalOf(req), req.path_params["id"],
                                                projects::IfMatchVersion(req), auth::ContextOf(req));
                        if (!saved) return Problem(req, saved.error());
                        json::object out{{"id", saved->id},       {"version", saved->version}, {"name", saved->name},
                                         {"title", saved->title}, {"role", saved->role},       {"spec", saved->spec}};
                        Response r = Response::Json(200, out);
                        r.headers.Set("ETag", projects::ProjectEtag(saved->version));
                        return r;
                    }});
}

}  // namespace dihya::collab
