// The messages a WebSocket client sends to /api/v1/ws (realtime::SocketSession): any sequence of them, one per
// line, either gets answers that are JSON objects with a "type" or closes the connection with a code — never a
// crash, and never an answer that is not JSON.

#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "fuzz_support.hpp"
#include "realtime/sessions.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dihya;
    realtime::Hub hub({8, 1});
    realtime::ChannelGuard guard;
    realtime::AddBuiltinChannels(guard);
    guard.Add("project", "project:{id}", [](const auth::Principal&, const std::string& id) -> Result<void> {
        if (id == "p1") return Ok();
        return MakeError(ErrorCode::kNotFound, "no such project");
    });
    realtime::SocketSession session(realtime::SocketDeps{
        hub, guard,
        [](std::string_view kind, std::string_view credential) -> Result<auth::Principal> {
            if (kind == "token" && credential == "t") {
                auth::Principal p;
                p.user_id = "u1";
                p.role = auth::Role::kUser;
                return p;
            }
            return MakeError(ErrorCode::kUnauthenticated, "invalid token");
        },
        4});
    session.Start([] {});
    for (std::string_view message : fuzz::Split(fuzz::AsText(data, size), "\n")) {
        session.Receive(message);
        hub.Publish("project:p1", "project.updated", boost::json::object{{"version", 2}});
        for (const std::string& out : session.Take()) {
            if (out.empty()) continue;
            boost::system::error_code ec;
            const boost::json::value v = boost::json::parse(out, ec);
            fuzz::Check(!ec && v.is_object() && v.as_object().contains("type"), "an answer that is not a JSON message");
        }
        if (auto close = session.Closing()) {
            fuzz::Check(close->code >= 1000 && close->code < 5000, "a close code outside RFC 6455's range");
            break;
        }
    }
    session.Tick();
    session.Ended();
    return 0;
}
