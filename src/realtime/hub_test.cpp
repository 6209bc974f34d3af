#include "realtime/hub.hpp"

#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "realtime/channels.hpp"

namespace dihya::realtime {
namespace {

namespace json = boost::json;

struct Recorder final : Listener {
    std::vector<Event> got;
    void OnEvent(const Event& e) override { got.push_back(e); }
};

TEST(RealtimeHub, DeliversToTheSubscribersOfAChannelOnly) {
    Hub hub({16, 100});
    Recorder a;
    Recorder b;
    hub.Subscribe(a, "project:1");
    hub.Subscribe(b, "project:2");
    hub.Publish("project:1", "project.updated", json::object{{"version", 2}});
    hub.Publish("project:3", "project.updated", json::object{{"version", 1}});
    ASSERT_EQ(a.got.size(), 1u);
    EXPECT_EQ(a.got[0].id, 100);
    EXPECT_EQ(a.got[0].name, "project.updated");
    EXPECT_EQ(a.got[0].data, R"({"version":2})");
    EXPECT_TRUE(b.got.empty());
    EXPECT_EQ(hub.last_id(), 101) << "every event takes an id, watched or not";

    hub.Unsubscribe(a, "project:1");
    hub.Publish("project:1", "project.updated", json::object{});
    EXPECT_EQ(a.got.size(), 1u);
    EXPECT_EQ(hub.subscriptions(), 1u);
    hub.UnsubscribeAll(b);
    EXPECT_EQ(hub.subscriptions(), 0u);
}

TEST(RealtimeHub, ResumesFromItsLogAndSaysWhenTheLogNoLongerReachesBack) {
    Hub hub({3, 10});
    for (int i = 0; i < 5; ++i) hub.Publish(i % 2 == 0 ? "user:a" : "user:b", "n", json::object{{"i", i}});
    // ids 10..14; the log keeps 12, 13, 14.
    Recorder r;
    Backlog fresh = hub.SubscribeAfter(r, {"user:a"}, 11);
    EXPECT_TRUE(fresh.complete);
    ASSERT_EQ(fresh.events.size(), 2u);  // 12 and 14 are user:a's
    EXPECT_EQ(fresh.events[0].id, 12);
    EXPECT_EQ(fresh.events[1].id, 14);

    Recorder late;
    Backlog gap = hub.SubscribeAfter(late, {"user:a", "user:b"}, 10);
    EXPECT_FALSE(gap.complete) << "11 was dropped";
    EXPECT_EQ(gap.events.size(), 3u);

    Recorder restarted;
    EXPECT_FALSE(hub.SubscribeAfter(restarted, {"user:a"}, 3).complete) << "an id of an earlier process";
    Recorder current;
    Backlog none = hub.SubscribeAfter(current, {"user:a"}, 14);
    EXPECT_TRUE(none.complete);
    EXPECT_TRUE(none.events.empty());

    hub.Publish("user:a", "n", json::object{});
    EXPECT_EQ(r.got.size(), 1u) << "subscribed by SubscribeAfter: later events arrive live";
    EXPECT_EQ(r.got[0].id, 15);
}

TEST(RealtimeHub, PresenceCountsUsersNotConnections) {
    Hub hub;
    Recorder watcher;
    hub.Subscribe(watcher, "project:p");
    hub.Join("project:p", "alice");
    hub.Join("project:p", "alice");  // a second tab
    hub.Join("project:p", "bob");
    ASSERT_EQ(watcher.got.size(), 2u);
    EXPECT_EQ(json::parse(watcher.got[1].data),
              json::parse(R"({"user":"bob","state":"join","viewers":["alice","bob"]})"));
    hub.Leave("project:p", "alice");
    EXPECT_EQ(watcher.got.size(), 2u) << "alice still has a tab open";
    hub.Leave("project:p", "alice");
    ASSERT_EQ(watcher.got.size(), 3u);
    EXPECT_EQ(json::parse(watcher.got[2].data), json::parse(R"({"user":"alice","state":"leave","viewers":["bob"]})"));
    EXPECT_EQ(hub.Viewers("project:p"), std::vector<std::string>{"bob"});
    hub.Leave("project:p", "nobody");
    EXPECT_EQ(watcher.got.size(), 3u);
}

TEST(RealtimeChannels, ParseAndAuthorize) {
    EXPECT_TRUE(ParseChannel("project:3f2a-b_9"));
    EXPECT_EQ(ParseChannel("marketplace")->id, "");
    for (const char* bad : {"", ":x", "Project:1", "project:", "project:a/b", "project:a b", "p1:x"}) {
        EXPECT_FALSE(ParseChannel(bad)) << bad;
    }
    EXPECT_FALSE(ParseChannel("project:" + std::string(65, 'a')));

    ChannelGuard guard;
    AddBuiltinChannels(guard);
    auth::Principal alice;
    alice.user_id = "alice";
    alice.role = auth::Role::kUser;
    EXPECT_TRUE(guard.Authorize(alice, "user:alice"));
    EXPECT_EQ(guard.Authorize(alice, "user:bob").error().code, ErrorCode::kPermissionDenied);
    EXPECT_TRUE(guard.Authorize(alice, "marketplace"));
    EXPECT_EQ(guard.Authorize(auth::Principal::Guest(), "marketplace").error().code, ErrorCode::kUnauthenticated);
    const auto unknown = guard.Authorize(alice, "project:1");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(unknown.error().message.find("marketplace"), std::string::npos) << "names the channels there are";
}

}  // namespace
}  // namespace dihya::realtime
