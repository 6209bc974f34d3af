#include "collab/rooms.hpp"

#include <random>
#include <utility>

#include <boost/json.hpp>

#include "model/spec_yaml.hpp"

namespace dihya::collab {

namespace json = boost::json;
using yjs::MessageType;
using yjs::SyncType;

// ---- CollabSession ----

CollabSession::CollabSession(Rooms& rooms, std::string project_id, std::string user_id, bool can_write,
                             std::size_t send_queue, std::size_t max_message_bytes)
    : rooms_(rooms),
      project_id_(std::move(project_id)),
      user_id_(std::move(user_id)),
      out_(send_queue),
      max_message_bytes_(max_message_bytes),
      can_write_(can_write) {}

CollabSession::~CollabSession() = default;

void CollabSession::Start(std::function<void()> wake) {
    out_.SetWake(std::move(wake));
    auto room = rooms_.Join(project_id_, *this);
    if (!room) {
        Close(room.error().code == ErrorCode::kConflict ? kCloseFull : kCloseStorageFailed, room.error().message);
        return;
    }
    std::lock_guard lock(mu_);
    room_ = std::move(*room);
}

std::optional<http::LiveClose> CollabSession::Closing() {
    std::lock_guard lock(mu_);
    if (!close_ && out_.overflowed()) close_ = http::LiveClose{realtime::kCloseTooSlow, "too slow: messages piled up"};
    return close_;
}

void CollabSession::Receive(std::string_view message) {
    std::shared_ptr<Room> room;
    {
        std::lock_guard lock(mu_);
        if (close_) return;
        room = room_;
    }
    if (room) room->Receive(*this, message);
}

void CollabSession::Ended() {
    std::shared_ptr<Room> room;
    {
        std::lock_guard lock(mu_);
        room = std::move(room_);
        if (!close_) close_ = http::LiveClose{1000, "gone"};
    }
    if (room) rooms_.Leave(room, *this);
}

bool CollabSession::can_write() const {
    std::lock_guard lock(mu_);
    return can_write_;
}

void CollabSession::SetCanWrite(bool can_write) {
    std::lock_guard lock(mu_);
    can_write_ = can_write;
}

void CollabSession::Send(std::string message) {
    (void)out_.Push(std::move(message));  // an overflow is seen by Closing()
}

void CollabSession::Close(int code, std::string reason) {
    {
        std::lock_guard lock(mu_);
        if (!close_) close_ = http::LiveClose{code, std::move(reason)};
    }
    out_.Push({});  // wakes the writer, which sees Closing()
}

// ---- Rooms ----

Rooms::Rooms(CollabDeps deps, CollabLimits limits) : d_(deps), limits_(limits) {}

Rooms::~Rooms() {
    std::lock_guard lock(mu_);
    for (auto& [id, room] : rooms_) d_.hub.UnsubscribeAll(*room);
}

Result<bool> Rooms::CanEdit(const auth::Principal& who, const std::string& project_id) {
    auto read = d_.projects.RoleOf(who, project_id, projects::Need::kRead);
    if (!read) return read.take_error();
    auto edit = d_.projects.RoleOf(who, project_id, projects::Need::kEdit);
    if (!edit && edit.error().code != ErrorCode::kPermissionDenied) return edit.take_error();
    return edit.ok();
}

Result<std::shared_ptr<Room>> Rooms::Open(const std::string& project_id, bool register_it) {
    // With mu_ held when register_it (then the room joins rooms_); without, a room for one read.
    if (register_it) {
        if (auto it = rooms_.find(project_id); it != rooms_.end()) return it->second;
    }
    auto project = d_.projects.Find(project_id);
    if (!project) return project.take_error();
    auto room = std::make_shared<Room>(*this, project_id);
    if (auto loaded = room->Load(register_it ? model::SpecYaml(project->spec) : std::string()); !loaded) {
        return loaded.take_error();
    }
    if (!register_it) return room;
    rooms_.emplace(project_id, room);
    d_.hub.Subscribe(*room, "project:" + project_id);
    return room;
}

Result<std::shared_ptr<Room>> Rooms::Join(const std::string& project_id, CollabSession& session) {
    std::lock_guard lock(mu_);
    auto room = Open(project_id, true);
    if (!room) return room.take_error();
    if (auto added = (*room)->Add(session); !added) {
        if ((*room)->Info().peers == 0) {
            d_.hub.UnsubscribeAll(**room);
            rooms_.erase(project_id);
        }
        return added.take_error();
    }
    return room;
}

void Rooms::Leave(const std::shared_ptr<Room>& room, CollabSession& session) {
    std::lock_guard lock(mu_);
    if (!room->Remove(session)) return;
    room->Compact(0);  // the last one left: keep one merged update
    auto it = rooms_.find(room->project_id());
    if (it != rooms_.end() && it->second == room) {
        d_.hub.UnsubscribeAll(*room);
        rooms_.erase(it);
    }
}

std::size_t Rooms::open_rooms() const {
    std::lock_guard lock(mu_);
    return rooms_.size();
}

Result<DocumentInfo> Rooms::Info(const auth::Principal& who, const std::string& project_id) {
    auto role = d_.projects.RoleOf(who, project_id, projects::Need::kRead);
    if (!role) return role.take_error();
    std::shared_ptr<Room> room;
    {
        std::lock_guard lock(mu_);
        if (auto it = rooms_.find(project_id); it != rooms_.end()) room = it->second;
    }
    if (!room) {
        auto loaded = Open(project_id, false);
        if (!loaded) return loaded.take_error();
        room = std::move(*loaded);
    }
    DocumentInfo info = room->Info();
    if (info.updates == 0) {  // never edited: the document would start from the specification
        auto project = d_.projects.Find(project_id);
        if (!project) return project.take_error();
        info.text = model::SpecYaml(project->spec);
    }
    return info;
}

Result<projects::Project> Rooms::Save(const auth::Principal& who, const std::string& project_id,
                                      std::optional<std::int64_t> if_match, const RequestContext& ctx) {
    auto role = d_.projects.RoleOf(who, project_id, projects::Need::kEdit);
    if (!role) return role.take_error();
    auto info = Info(who, project_id);
    if (!info) return info.take_error();
    auto parsed = model::ParseModel(info->text, "spec", d_.vocabulary);
    if (!parsed) return parsed.take_error();
    projects::ProjectInput input;
    input.spec.model = model::ToSpec(*parsed);
    return d_.projects.Replace(who, project_id, input, if_match, ctx);
}

// ---- Room ----

Room::Room(Rooms& rooms, std::string project_id) : rooms_(rooms), project_id_(std::move(project_id)) {}

Room::~Room() = default;

Result<void> Room::Load(const std::string& seed_text) {
    auto& d = rooms_.deps();
    std::vector<UpdateRow> rows;
    auto r = d.db.Transaction(
        [&](storage::Session& s) -> Result<void> {
            auto loaded = rooms_.repository().Load(s, project_id_);
            if (!loaded) return loaded.take_error();
            rows = std::move(*loaded);
            return Ok();
        },
        storage::TxKind::kRead);
    if (!r) return r.take_error();
    std::lock_guard lock(mu_);
    for (const auto& row : rows) {
        auto u = yjs::DecodeUpdate(row.data);
        if (!u) {
            d.log.Error("a stored collaborative update does not decode: skipped",
                        {{"project", project_id_}, {"seq", std::to_string(row.seq)}});
            continue;
        }
        store_.Apply(*u);
        last_seq_ = row.seq;
        stored_bytes_ += row.data.size();
        ++stored_rows_;
    }
    if (rows.empty() && !seed_text.empty()) {
        // The document starts as the specification's YAML, written by a client id of its own.
        std::random_device rd;
        const std::uint64_t client = (static_cast<std::uint64_t>(rd()) & 0x7fffffff) | 1;
        const std::string seed = yjs::TextInsertUpdate(client, kSpecText, seed_text);
        auto u = yjs::DecodeUpdate(seed);
        if (!u) return u.take_error();
        if (auto p = Persist(seed); !p) return p.take_error();
        store_.Apply(*u);
    }
    return Ok();
}

Result<void> Room::Add(CollabSession& session) {
    std::lock_guard lock(mu_);
    if (broken_) return MakeError(ErrorCode::kUnavailable, "the document could not be stored: reconnect");
    if (sessions_.size() >= rooms_.limits().max_peers) {
        return MakeError(ErrorCode::kConflict, "the most people editing one document at once are editing it");
    }
    sessions_.insert(&session);
    session.Send(yjs::SyncMessage(SyncType::kStep1, yjs::EncodeStateVector(store_.State())));
    if (!awareness_.empty()) {
        std::vector<yjs::AwarenessEntry> all;
        for (const auto& [client, a] : awareness_) all.push_back({client, a.clock, a.state});
        session.Send(yjs::AwarenessMessage(yjs::EncodeAwareness(all)));
    }
    return Ok();
}

bool Room::Remove(CollabSession& session) {
    std::lock_guard lock(mu_);
    sessions_.erase(&session);
    std::vector<yjs::AwarenessEntry> gone;
    for (auto it = awareness_.begin(); it != awareness_.end();) {
        if (it->second.session == &session) {
            gone.push_back({it->first, it->second.clock + 1, "null"});
            it = awareness_.erase(it);
        } else {
            ++it;
        }
    }
    if (!gone.empty()) Broadcast(yjs::AwarenessMessage(yjs::EncodeAwareness(gone)), nullptr);
    return sessions_.empty();
}

void Room::Receive(CollabSession& session, std::string_view message) {
    auto m = yjs::DecodeMessage(message);
    if (!m) {
        session.Close(kCloseMalformed, m.error().message);
        return;
    }
    std::lock_guard lock(mu_);
    if (broken_) return;
    switch (m->type) {
        case MessageType::kSync:
            if (m->sync == SyncType::kStep1) {
                auto sv = yjs::DecodeStateVector(m->payload);
                if (!sv) {
                    session.Close(kCloseMalformed, sv.error().message);
                    return;
                }
                session.Send(yjs::SyncMessage(SyncType::kStep2, store_.Diff(*sv)));
            } else {
                Update(session, m->payload, m->sync == SyncType::kStep2);
            }
            return;
        case MessageType::kAwareness: {
            auto entries = yjs::DecodeAwareness(m->payload);
            if (!entries) {
                session.Close(kCloseMalformed, entries.error().message);
                return;
            }
            std::size_t mine = 0;
            for (const auto& [client, a] : awareness_) mine += a.session == &session ? 1 : 0;
            for (const auto& e : *entries) {
                auto it = awareness_.find(e.client);
                if (e.state == "null") {
                    if (it != awareness_.end() && it->second.session == &session) awareness_.erase(it);
                    continue;
                }
                if (it == awareness_.end()) {
                    if (mine >= rooms_.limits().max_awareness_clients) continue;
                    ++mine;
                    it = awareness_.emplace(e.client, Awareness{}).first;
                }
                it->second = {e.clock, e.state, &session};
            }
            // To everyone, the sender included, as y-websocket's server does (a lone client hears itself and
            // does not take the silence for a lost connection).
            Broadcast(std::string(message), nullptr);
            return;
        }
        case MessageType::kQueryAwareness: {
            std::vector<yjs::AwarenessEntry> all;
            for (const auto& [client, a] : awareness_) all.push_back({client, a.clock, a.state});
            session.Send(yjs::AwarenessMessage(yjs::EncodeAwareness(all)));
            return;
        }
        case MessageType::kAuth: return;  // clients have nothing to say there
    }
}

void Room::Update(CollabSession& session, std::string_view update, bool from_step2) {
    if (!session.can_write()) {
        // A viewer's sync step 2 answers the server's step 1 with whatever it has: ignored. An edit is refused.
        if (!from_step2) session.Send(yjs::PermissionDeniedMessage("read-only: you are a viewer of this project"));
        return;
    }
    auto u = yjs::DecodeUpdate(update);
    if (!u) {
        session.Close(kCloseMalformed, u.error().message);
        return;
    }
    const auto& limits = rooms_.limits();
    if (stored_bytes_ + update.size() > limits.max_bytes) {
        CompactLocked(0);
        if (stored_bytes_ + update.size() > limits.max_bytes) {
            session.Close(kCloseTooLarge, "the document would pass its size limit (realtime.collab_max_bytes)");
            return;
        }
    }
    if (!store_.Apply(*u)) return;  // nothing new
    if (auto p = Persist(update); !p) {
        // Memory is now ahead of the store: close everyone; the next join reloads what is stored, and each
        // client's sync step 2 sends back what it has (clients keep their edits).
        rooms_.deps().log.Error("a collaborative update could not be stored",
                                {{"project", project_id_}, {"error", p.error().message}});
        broken_ = true;
        for (auto* s : sessions_) s->Close(kCloseStorageFailed, "the update could not be stored: reconnect");
        return;
    }
    Broadcast(yjs::SyncMessage(SyncType::kUpdate, update), &session);
    CompactLocked(limits.compact_bytes);
}

void Room::Broadcast(const std::string& message, const CollabSession* except) {
    for (auto* s : sessions_) {
        if (s != except) s->Send(message);
    }
}

Result<void> Room::Persist(std::string_view update) {
    auto& d = rooms_.deps();
    std::int64_t seq = 0;
    const std::string data(update);
    auto r = d.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto appended = rooms_.repository().Append(s, project_id_, data, FormatTime(d.clock.Now()));
        if (!appended) return appended.take_error();
        seq = *appended;
        return Ok();
    });
    if (!r) return r.take_error();
    last_seq_ = seq;
    stored_bytes_ += data.size();
    ++stored_rows_;
    return Ok();
}

void Room::Compact(std::size_t threshold) {
    std::lock_guard lock(mu_);
    CompactLocked(threshold);
}

void Room::CompactLocked(std::size_t threshold) {
    if (broken_ || stored_rows_ <= 1 || stored_bytes_ <= threshold) return;
    auto& d = rooms_.deps();
    store_.CollectGarbage();
    const std::string merged = store_.Encode();
    std::int64_t seq = 0;
    auto r = d.db.Transaction([&](storage::Session& s) -> Result<void> {
        auto c = rooms_.repository().Compact(s, project_id_, last_seq_, merged, FormatTime(d.clock.Now()));
        if (!c) return c.take_error();
        seq = *c;
        return Ok();
    });
    if (!r) {
        d.log.Warn("a collaborative document could not be compacted; retried later",
                   {{"project", project_id_}, {"error", r.error().message}});
        return;
    }
    d.log.Debug("collaborative document compacted", {{"project", project_id_},
                                                     {"from_bytes", std::to_string(stored_bytes_)},
                                                     {"to_bytes", std::to_string(merged.size())}});
    last_seq_ = seq;
    stored_bytes_ = merged.size();
    stored_rows_ = 1;
}

std::string Room::Text() const {
    std::lock_guard lock(mu_);
    return store_.Text(kSpecText);
}

DocumentInfo Room::Info() const {
    std::lock_guard lock(mu_);
    DocumentInfo info;
    info.text = store_.Text(kSpecText);
    info.bytes = stored_bytes_;
    info.updates = stored_rows_;
    info.peers = sessions_.size();
    info.state = store_.State();
    return info;
}

void Room::OnEvent(const realtime::Event& event) {
    // On the publisher's thread with the hub locked: only the room's own lock is taken here.
    if (event.name != "project.members" && event.name != "project.deleted") return;
    std::lock_guard lock(mu_);
    if (event.name == "project.deleted") {
        for (auto* s : sessions_) s->Close(kCloseGone, "the project was deleted");
        return;
    }
    boost::system::error_code ec;
    const json::value data = json::parse(event.data, ec);
    if (ec || !data.is_object()) return;
    const auto* user = data.as_object().if_contains("user");
    const auto* role = data.as_object().if_contains("role");
    if (user == nullptr || !user->is_string() || role == nullptr) return;
    for (auto* s : sessions_) {
        if (s->user_id() != user->as_string()) continue;
        if (!role->is_string()) {
            s->Close(kCloseRevoked, "you are no longer a member of this project");
        } else {
            s->SetCanWrite(role->as_string() == projects::kEditor);
        }
    }
}

}  // namespace dihya::collab
