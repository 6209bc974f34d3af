#include "collab/yjs.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace dihya::collab::yjs {
namespace {

std::string Hex(std::string_view hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

Store StoreOf(const std::vector<std::string>& updates) {
    Store store;
    for (const auto& u : updates) {
        auto decoded = DecodeUpdate(Hex(u));
        EXPECT_TRUE(decoded) << u << ": " << (decoded ? "" : decoded.error().message);
        if (decoded) store.Apply(*decoded);
    }
    return store;
}

// Produced by yjs 13.6: two documents (clients 1 and 2) insert at the same place concurrently, one inserts an
// emoji and deletes half of it with what follows, the other deletes the first letter; then both sync, and client 2
// writes into another root type. Y.Text('spec').toString() gave "ello A\uFFFD Borld".
const std::vector<std::string> kUpdates = {
    "01010100040104737065630b68656c6c6f20776f726c6400",
    "01010100040104737065630b68656c6c6f20776f726c6400",
    "0101010bc401040105062041f09f988000",
    "01010200c40104010502204200",
    "000101010001",
    "0001010205020e01",
    "01010200c4010401050220420101010001",
    "0102010bc401040105052041efbfbdc1010d01050101010205020e01",
    "010102020401056f74686572086e6f74207370656300",
};
const char* const kText = "ello A\xef\xbf\xbd Borld";
// Y.encodeStateAsUpdate of client 2's document at the end.
const char* const kMerged =
    "02020200c4010401050220420401056f74686572086e6f742073706563060100010104737065630184010004656c6c6f81010402840106"
    "046f726c64c401040105052041efbfbdc1010d010501010103000105020e01";

TEST(Yjs, ReadsTheTextOfConcurrentEditsAsYjsDoes) {
    Store store = StoreOf(kUpdates);
    EXPECT_EQ(store.Text("spec"), kText);
    EXPECT_EQ(store.Text("other"), "not spec");
    EXPECT_EQ(store.Text("absent"), "");
}

TEST(Yjs, ReadsYjsOwnMergedStateAndItsSplitItems) {
    Store store = StoreOf({kMerged});
    EXPECT_EQ(store.Text("spec"), kText);
    EXPECT_EQ(store.State(), (StateVector{{1, 15}, {2, 10}}));
}

TEST(Yjs, AnInsertBetweenTheHalvesOfAnEmojiLeavesTwoReplacementCharacters) {
    // yjs 13.6: insert "a😀b", insert X between the emoji's halves, delete X: Yjs split the emoji for good.
    Store store = StoreOf({"01010300040104737065630661f09f98806200", "01010304c403010302015800", "000103010401"});
    EXPECT_EQ(store.Text("spec"),
              "a\xef\xbf\xbd\xef\xbf\xbd"
              "b");
}

TEST(Yjs, MergedEncodingRoundTripsAndIsIdempotent) {
    Store store = StoreOf(kUpdates);
    const std::string merged = store.Encode();
    auto again = DecodeUpdate(merged);
    ASSERT_TRUE(again);
    Store copy;
    EXPECT_TRUE(copy.Apply(*again));
    EXPECT_FALSE(copy.Apply(*again)) << "nothing new the second time";
    EXPECT_EQ(copy.Text("spec"), kText);
    EXPECT_EQ(copy.Encode(), merged);
    EXPECT_EQ(copy.State(), store.State());
}

TEST(Yjs, ApplyingInAnyOrderGivesTheSameText) {
    std::vector<std::string> reversed(kUpdates.rbegin(), kUpdates.rend());
    EXPECT_EQ(StoreOf(reversed).Text("spec"), kText);
}

TEST(Yjs, DiffSendsOnlyWhatThePeerLacks) {
    Store store = StoreOf(kUpdates);
    const StateVector all = store.State();
    auto nothing = DecodeUpdate(store.Diff(all));
    ASSERT_TRUE(nothing);
    EXPECT_TRUE(nothing->structs.empty());
    EXPECT_FALSE(nothing->deletes.empty()) << "the delete set always goes";
    // A peer with client 1's first 5 units gets the rest of it, sliced: together with those it is the whole text.
    Store peer = StoreOf({kUpdates[0]});
    StateVector sv = peer.State();
    sv[1] = 5;
    auto part = DecodeUpdate(store.Diff(sv));
    ASSERT_TRUE(part);
    ASSERT_FALSE(part->structs.empty());
    for (const auto& s : part->structs) {
        if (s.id.client == 1) {
            EXPECT_GE(s.id.clock, 5u);
        }
    }
    peer.Apply(*part);
    EXPECT_EQ(peer.Text("spec"), kText);
}

TEST(Yjs, GarbageCollectionKeepsTheTextAndDropsDeletedContent) {
    Store small = StoreOf(kUpdates);
    small.CollectGarbage();
    EXPECT_EQ(small.Text("spec"), kText);

    // 1,000 characters, 980 of them deleted (client 5, clocks 10..989).
    Store store;
    store.Apply(
        *DecodeUpdate(TextInsertUpdate(5, "spec", std::string(10, 'a') + std::string(980, 'x') + "bbbbbbbbbb")));
    store.Apply(
        *DecodeUpdate(Hex("00010501"
                          "0a"
                          "d407")));
    EXPECT_EQ(store.Text("spec"), "aaaaaaaaaabbbbbbbbbb");
    const std::string before = store.Encode();
    store.CollectGarbage();
    EXPECT_EQ(store.Text("spec"), "aaaaaaaaaabbbbbbbbbb");
    const std::string after = store.Encode();
    EXPECT_LT(after.size(), 100u) << "was " << before.size();
    auto again = DecodeUpdate(after);
    ASSERT_TRUE(again);
    Store copy;
    copy.Apply(*again);
    EXPECT_EQ(copy.Text("spec"), "aaaaaaaaaabbbbbbbbbb");
    EXPECT_EQ(copy.State(), store.State());
}

TEST(Yjs, AnInsertUpdateIsReadBack) {
    const std::string text = "name: clinic\nentities: [Patient] # عيادة 😀\n";
    auto u = DecodeUpdate(TextInsertUpdate(42, "spec", text));
    ASSERT_TRUE(u);
    Store store;
    store.Apply(*u);
    EXPECT_EQ(store.Text("spec"), text);
    EXPECT_EQ(store.State().at(42), 44u);  // UTF-16 code units
    EXPECT_TRUE(DecodeUpdate(TextInsertUpdate(42, "spec", "")));
}

TEST(Yjs, ItemsWhoseDependenciesAreMissingAreLeftOut) {
    // Client 2's insert refers to client 1's text, which never arrives.
    Store store = StoreOf({kUpdates[3]});
    EXPECT_EQ(store.Text("spec"), "");
    EXPECT_EQ(store.State(), (StateVector{{2, 2}}));
}

TEST(Yjs, MalformedUpdatesAreErrorsNotCrashes) {
    const std::vector<std::string> bad = {
        "",                                                    // nothing
        "01",                                                  // a client count and no client
        "0101010004010473706563ff",                            // a string longer than the message
        "0101010015",                                          // unknown struct ref 21
        "01010100040104737065630b68656c6c6f20776f726c640001",  // delete set cut short
        "0101010004010473706563016100ff",                      // bytes after the update
        "01ffffffffffffffffff01",                              // a number past 2^53
    };
    for (const auto& b : bad) {
        auto u = DecodeUpdate(Hex(b));
        EXPECT_FALSE(u) << b;
        if (!u) {
            EXPECT_EQ(u.error().code, ErrorCode::kInvalidArgument);
        }
    }
}

TEST(Yjs, SyncAndAwarenessMessages) {
    const std::string step1 = SyncMessage(SyncType::kStep1, EncodeStateVector({{1, 16}, {2, 11}}));
    auto m = DecodeMessage(step1);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->type, MessageType::kSync);
    EXPECT_EQ(m->sync, SyncType::kStep1);
    auto sv = DecodeStateVector(m->payload);
    ASSERT_TRUE(sv);
    EXPECT_EQ(*sv, (StateVector{{1, 16}, {2, 11}}));
    // What y-websocket's client sends first: sync step 1 of an empty document.
    auto first = DecodeMessage(Hex("000000"));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->sync, SyncType::kStep1);

    const std::vector<AwarenessEntry> entries = {{7, 3, R"({"user":{"name":"Amina"}})"}, {9, 1, "null"}};
    auto aw = DecodeMessage(AwarenessMessage(EncodeAwareness(entries)));
    ASSERT_TRUE(aw);
    EXPECT_EQ(aw->type, MessageType::kAwareness);
    auto back = DecodeAwareness(aw->payload);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[0].state, entries[0].state);
    EXPECT_EQ((*back)[1].clock, 1u);
    EXPECT_FALSE(DecodeMessage(Hex("07")));
    EXPECT_FALSE(DecodeMessage(Hex("0003")));
    EXPECT_EQ(PermissionDeniedMessage("read only"), Hex("0200") + "\x09read only");
}

}  // namespace
}  // namespace dihya::collab::yjs
