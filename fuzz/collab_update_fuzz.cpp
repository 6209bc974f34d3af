// What a y-websocket client sends to /api/v1/collab/{id} (collab/yjs.hpp): the input is split into messages at
// "\xff\xfe"; each is read as a y-protocols message and, when that fails, as a bare Yjs update. Every update that
// decodes is merged into one document, which must then encode to an update that decodes again to the same text
// and state, also after garbage collection — never a crash, a hang or an inconsistent document.

#include <cstddef>
#include <cstdint>
#include <string>

#include "collab/yjs.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dihya::collab::yjs;
    Limits limits;
    limits.max_structs = 5000;
    Store store;
    for (std::string_view part : dihya::fuzz::Split(dihya::fuzz::AsText(data, size), "\xff\xfe")) {
        std::string update;
        if (auto m = DecodeMessage(part)) {
            if (m->type == MessageType::kSync && m->sync == SyncType::kStep1) {
                if (auto sv = DecodeStateVector(m->payload)) (void)store.Diff(*sv);
                continue;
            }
            if (m->type == MessageType::kAwareness) {
                if (auto a = DecodeAwareness(m->payload)) {
                    dihya::fuzz::Check(DecodeAwareness(EncodeAwareness(*a)).ok(), "awareness does not round-trip");
                }
                continue;
            }
            update = m->payload;
        } else {
            update = std::string(part);
        }
        if (auto u = DecodeUpdate(update, limits)) store.Apply(*u);
    }
    const std::string text = store.Text("spec");
    const std::string merged = store.Encode();
    auto again = DecodeUpdate(merged);
    dihya::fuzz::Check(again.ok(), "the merged document does not decode");
    Store copy;
    copy.Apply(*again);
    dihya::fuzz::Check(copy.State() == store.State(), "the merged document has another state");
    dihya::fuzz::Check(copy.Text("spec") == text, "the merged document has another text");
    // Garbage collection splits items where deletions start and end; for documents no Yjs client would make
    // (e.g. an item whose origin is its right origin) the text may then differ, as it would in Yjs itself, so
    // only its consistency is required here (the text is checked against yjs for real edits by
    // tests/blackbox/collab.test.mjs).
    copy.CollectGarbage();
    auto collected = DecodeUpdate(copy.Encode());
    dihya::fuzz::Check(collected.ok(), "the collected document does not decode");
    Store again_copy;
    again_copy.Apply(*collected);
    dihya::fuzz::Check(again_copy.State() == store.State(), "garbage collection changed the state");
    dihya::fuzz::Check(again_copy.Text("spec") == copy.Text("spec"), "the collected document reads differently");
    return 0;
}
