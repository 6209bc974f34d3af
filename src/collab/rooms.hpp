#pragma once

// Collaborative editing of a project's specification (docs/collaboration.md). Each project has one Yjs document
// whose Y.Text "spec" holds the specification's text (YAML). Clients speak the y-websocket protocol (stock `yjs` +
// `y-websocket`): the server is the peer every client syncs with — it answers sync step 1 with what the client
// lacks, asks each client for what it lacks itself, stores every update that brings something new (appended, then
// merged into one when they grow large), forwards it to the other clients, and relays awareness (cursors,
// names). Viewers receive everything and may send nothing but awareness. Saving reads the text back (Yjs's own
// ordering rule, collab/yjs.hpp) and makes it the project's specification as a new version.
//
// One process: the clients of a document must reach the same node (two nodes would each keep their own room over
// the same stored updates, and would not see each other's updates until a client reconnects).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.hpp"
#include "collab/repository.hpp"
#include "collab/yjs.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/request_context.hpp"
#include "core/result.hpp"
#include "http/types.hpp"
#include "model/project_model.hpp"
#include "projects/service.hpp"
#include "realtime/hub.hpp"
#include "realtime/sessions.hpp"
#include "storage/db.hpp"

namespace dihya::collab {

/// The root Y.Text holding the specification.
inline constexpr std::string_view kSpecText = "spec";

/// Close codes of a collaborative connection (besides the WebSocket's own).
inline constexpr int kCloseMalformed = 1007;      // not a y-websocket message, or a malformed update
inline constexpr int kCloseRevoked = 4403;        // no longer a member of the project
inline constexpr int kCloseGone = 4404;           // the project was deleted
inline constexpr int kCloseTooLarge = 4413;       // the document would pass collab_max_bytes
inline constexpr int kCloseFull = 4429;           // collab_max_peers connections already edit it
inline constexpr int kCloseStorageFailed = 1011;  // an update could not be stored: reconnect to resync

struct CollabLimits {
    std::size_t max_bytes = 4 * 1024 * 1024;
    std::size_t compact_bytes = 256 * 1024;
    std::size_t max_peers = 32;
    std::size_t send_queue = 256;
    std::size_t max_awareness_clients = 4;  // Yjs client ids one connection may speak for
};

struct CollabDeps {
    storage::Db& db;
    projects::ProjectsService& projects;
    realtime::Hub& hub;
    const model::Vocabulary& vocabulary;
    const Clock& clock;
    Logger& log;
};

/// What GET /api/v1/projects/{id}/collab says of a document.
struct DocumentInfo {
    std::string text;
    std::size_t bytes = 0;    // stored
    std::size_t updates = 0;  // stored rows
    std::size_t peers = 0;    // connections editing or watching it now
    yjs::StateVector state;
};

class Room;
class Rooms;

/// One y-websocket connection.
class CollabSession final : public http::LiveSession {
public:
    CollabSession(Rooms& rooms, std::string project_id, std::string user_id, bool can_write, std::size_t send_queue,
                  std::size_t max_message_bytes);
    ~CollabSession() override;
    CollabSession(const CollabSession&) = delete;
    CollabSession& operator=(const CollabSession&) = delete;

    void Start(std::function<void()> wake) override;
    std::vector<std::string> Take() override { return out_.Take(); }
    std::optional<http::LiveClose> Closing() override;
    void Receive(std::string_view message) override;
    void Tick() override {}
    void Ended() override;
    bool binary() const override { return true; }
    std::size_t max_message_bytes() const override { return max_message_bytes_; }

    const std::string& user_id() const { return user_id_; }
    bool can_write() const;
    void SetCanWrite(bool can_write);
    /// Queues a message; closes the connection (4008) when the client does not keep up.
    void Send(std::string message);
    void Close(int code, std::string reason);

private:
    Rooms& rooms_;
    const std::string project_id_;
    const std::string user_id_;
    realtime::Outbox out_;
    std::size_t max_message_bytes_;
    mutable std::mutex mu_;
    bool can_write_;
    std::optional<http::LiveClose> close_;
    std::shared_ptr<Room> room_;  // set by Start
};

/// Every open document. Owns nothing of the HTTP layer.
class Rooms final {
public:
    Rooms(CollabDeps deps, CollabLimits limits);
    ~Rooms();
    Rooms(const Rooms&) = delete;
    Rooms& operator=(const Rooms&) = delete;

    /// Who may open the document and whether they may edit it: kNotFound/kPermissionDenied as for the project.
    Result<bool> CanEdit(const auth::Principal& who, const std::string& project_id);
    /// The room of `project_id` with `session` in it (loaded from the store, or started from the project's
    /// specification the first time). kConflict when collab_max_peers are in it already.
    Result<std::shared_ptr<Room>> Join(const std::string& project_id, CollabSession& session);
    void Leave(const std::shared_ptr<Room>& room, CollabSession& session);

    Result<DocumentInfo> Info(const auth::Principal& who, const std::string& project_id);
    /// The document's text becomes the project's specification (a new version): kInvalidArgument with
    /// spec:line:field details when it is not a valid specification.
    Result<projects::Project> Save(const auth::Principal& who, const std::string& project_id,
                                   std::optional<std::int64_t> if_match, const RequestContext& ctx);

    std::size_t open_rooms() const;
    const CollabLimits& limits() const { return limits_; }
    CollabDeps& deps() { return d_; }
    const CollabRepository& repository() const { return repo_; }

private:
    /// The open room, or a room loaded from the store (not registered) for a one-off read.
    Result<std::shared_ptr<Room>> Open(const std::string& project_id, bool register_it);

    CollabDeps d_;
    CollabLimits limits_;
    CollabRepository repo_;
    mutable std::mutex mu_;
    std::map<std::string, std::shared_ptr<Room>> rooms_;
};

/// The document of one project and the connections on it.
class Room final : public realtime::Listener {
public:
    Room(Rooms& rooms, std::string project_id);
    ~Room() override;
    Room(const Room&) = delete;
    Room& operator=(const Room&) = delete;

    /// Loads the stored updates; seeds the document with `seed_text` when there are none.
    Result<void> Load(const std::string& seed_text);
    /// Adds `session` and queues what a y-websocket server sends first: sync step 1 and the awareness states.
    Result<void> Add(CollabSession& session);
    /// Removes `session`, telling the others its awareness states are gone; true when the room is now empty.
    bool Remove(CollabSession& session);
    void Receive(CollabSession& session, std::string_view message);
    /// Merges the stored updates into one when they take more than `threshold` bytes (0: whenever more than one).
    void Compact(std::size_t threshold);

    std::string Text() const;
    DocumentInfo Info() const;
    const std::string& project_id() const { return project_id_; }

    /// project:{id} events: membership changes and deletion reach the open connections at once.
    void OnEvent(const realtime::Event& event) override;

private:
    struct Awareness {
        std::uint64_t clock = 0;
        std::string state;
        CollabSession* session = nullptr;
    };
    void Update(CollabSession& session, std::string_view update, bool from_step2);
    void Broadcast(const std::string& message, const CollabSession* except);
    void CompactLocked(std::size_t threshold);
    Result<void> Persist(std::string_view update);

    Rooms& rooms_;
    const std::string project_id_;
    mutable std::mutex mu_;
    yjs::Store store_;
    std::set<CollabSession*> sessions_;
    std::map<std::uint64_t, Awareness> awareness_;
    std::int64_t last_seq_ = 0;
    std::size_t stored_bytes_ = 0;
    std::size_t stored_rows_ = 0;
    bool broken_ = false;  // an update could not be stored: the room is closed and reloaded by the next join
};

}  // namespace dihya::collab
