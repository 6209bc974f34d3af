#pragma once

// Yjs documents as the server needs them, without a JavaScript engine: the binary update format (v1) of the
// `yjs` npm package (lib0 encoding: structs per client, then the delete set), kept as a store that merges updates
// (what Y.mergeUpdates does: the same client/clock range is the same content), answers a state vector, encodes
// the whole state or what a peer lacks (Y.diffUpdate), and reads a root Y.Text as text by integrating its items
// with Yjs's own ordering rule (YATA, Item.integrate). Plus the y-protocols messages of y-websocket (sync step 1/2,
// update, awareness, auth). Input is untrusted: every read is bounded and a malformed update is an error, never a
// crash (fuzz/collab_update_fuzz.cpp).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace dihya::collab::yjs {

struct Id {
    std::uint64_t client = 0;
    std::uint64_t clock = 0;
    friend bool operator==(const Id&, const Id&) = default;
};

/// Content kinds (Item content refs of Yjs) plus the two non-item structs.
enum class Ref : std::uint8_t {
    kGc = 0,
    kDeleted = 1,
    kJson = 2,
    kBinary = 3,
    kString = 4,
    kEmbed = 5,
    kFormat = 6,
    kType = 7,
    kAny = 8,
    kDoc = 9,
    kSkip = 10,
};

/// One struct of a client: an item (with its content) or a GC range. `length` is in Yjs units (UTF-16 code units
/// for strings, elements for arrays).
struct Struct {
    Id id;
    std::uint64_t length = 0;
    Ref ref = Ref::kGc;
    std::optional<Id> origin;
    std::optional<Id> right_origin;
    std::optional<std::string> parent_key;  // a root type's name
    std::optional<Id> parent_id;            // a nested type's item
    std::optional<std::string> parent_sub;  // a map key
    /// kString: the text in UTF-16 code units (what Yjs counts); kJson/kAny: one encoded element per unit; others:
    /// the content's bytes as read.
    std::u16string text;
    std::vector<std::string> elements;
    std::string raw;
};

/// Deleted ranges per client (sorted, merged).
using DeleteSet = std::map<std::uint64_t, std::vector<std::pair<std::uint64_t, std::uint64_t>>>;  // clock, length
/// Next expected clock per client.
using StateVector = std::map<std::uint64_t, std::uint64_t>;

struct Update {
    std::vector<Struct> structs;  // Skip structs dropped
    DeleteSet deletes;
};

/// Limits for untrusted input.
struct Limits {
    std::size_t max_structs = 200000;
    std::size_t max_depth = 64;  // nesting of Any values
};

Result<Update> DecodeUpdate(std::string_view bytes, const Limits& limits = {});
Result<StateVector> DecodeStateVector(std::string_view bytes);
std::string EncodeStateVector(const StateVector& sv);

/// The merged state of a document.
class Store {
public:
    /// Merges `update`; true when it brought something new (structs or deletions).
    bool Apply(const Update& update);
    StateVector State() const;
    /// The whole state as one update (Y.encodeStateAsUpdate / Y.mergeUpdates).
    std::string Encode() const { return Diff({}); }
    /// What a peer at `sv` lacks: its missing structs and the whole delete set (Y.diffUpdate).
    std::string Diff(const StateVector& sv) const;
    /// The text of the root Y.Text `name` (Y.Text.toString); items whose dependencies are missing are left out.
    std::string Text(std::string_view name) const;
    std::size_t struct_count() const;
    /// Drops the content of deleted items (they become ContentDeleted of the same length, as Yjs's own garbage
    /// collection does), splitting items that are only partly deleted. Types and subdocuments are kept.
    void CollectGarbage();

private:
    std::map<std::uint64_t, std::map<std::uint64_t, Struct>> clients_;  // client → clock → struct
    DeleteSet deletes_;
};

/// An update that inserts `text` at the start of the root Y.Text `name`, as client `client` from clock 0.
std::string TextInsertUpdate(std::uint64_t client, std::string_view name, std::string_view text);

// ---- y-protocols (y-websocket) messages ----

enum class MessageType : std::uint64_t { kSync = 0, kAwareness = 1, kAuth = 2, kQueryAwareness = 3 };
enum class SyncType : std::uint64_t { kStep1 = 0, kStep2 = 1, kUpdate = 2 };

struct Message {
    MessageType type = MessageType::kSync;
    SyncType sync = SyncType::kStep1;
    std::string payload;  // sync: the state vector or update; awareness: the awareness update
};

Result<Message> DecodeMessage(std::string_view bytes);
std::string SyncMessage(SyncType type, std::string_view payload);
std::string AwarenessMessage(std::string_view awareness_update);
/// messageAuth + permission denied + reason (y-websocket clients call their permissionDeniedHandler).
std::string PermissionDeniedMessage(std::string_view reason);

/// One entry of an awareness update: a client's presence state (JSON text, "null" when it left).
struct AwarenessEntry {
    std::uint64_t client = 0;
    std::uint64_t clock = 0;
    std::string state;
};
Result<std::vector<AwarenessEntry>> DecodeAwareness(std::string_view bytes);
std::string EncodeAwareness(const std::vector<AwarenessEntry>& entries);

}  // namespace dihya::collab::yjs
