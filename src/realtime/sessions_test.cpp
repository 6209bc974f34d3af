#include "realtime/sessions.hpp"

#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace dihya::realtime {
namespace {

namespace json = boost::json;

std::vector<json::value> Parsed(const std::vector<std::string>& messages) {
    std::vector<json::value> out;
    for (const auto& m : messages) {
        if (!m.empty()) out.push_back(json::parse(m));
    }
    return out;
}

class SocketSessionTest : public ::testing::Test {
protected:
    SocketSessionTest() { AddBuiltinChannels(guard); }

    SocketDeps Deps(std::size_t queue = 16) {
        return SocketDeps{hub, guard,
                          [](std::string_view kind, std::string_view credential) -> Result<auth::Principal> {
                              if (kind == "token" && credential == "good") {
                                  auth::Principal p;
                                  p.user_id = "alice";
                                  p.role = auth::Role::kUser;
                                  return p;
                              }
                              return MakeError(ErrorCode::kUnauthenticated, "invalid token");
                          },
                          queue};
    }

    Hub hub;
    ChannelGuard guard;
};

TEST_F(SocketSessionTest, AuthenticatesFirstThenSubscribesWhereAllowed) {
    SocketSession s(Deps());
    int wakes = 0;
    s.Start([&] { ++wakes; });
    s.Receive(R"({"type":"auth","token":"good"})");
    s.Receive(R"({"type":"subscribe","channel":"user:alice"})");
    s.Receive(R"({"type":"subscribe","channel":"user:bob"})");
    hub.Publish("user:alice", "generation.finished", json::object{{"status", "succeeded"}});
    hub.Publish("user:bob", "generation.finished", json::object{});
    const auto got = Parsed(s.Take());
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0], json::parse(R"({"type":"ready","user":"alice"})"));
    EXPECT_EQ(got[1], json::parse(R"({"type":"subscribed","channel":"user:alice"})"));
    EXPECT_EQ(got[2].at("type"), "error");
    EXPECT_EQ(got[2].at("status"), 403);
    EXPECT_EQ(got[2].at("channel"), "user:bob");
    EXPECT_EQ(got[3].at("type"), "event");
    EXPECT_EQ(got[3].at("channel"), "user:alice");
    EXPECT_EQ(got[3].at("data"), json::parse(R"({"status":"succeeded"})"));
    EXPECT_GE(wakes, 4);
    EXPECT_FALSE(s.Closing());
    s.Ended();
    hub.Publish("user:alice", "generation.finished", json::object{});
    EXPECT_TRUE(s.Take().empty()) << "ended: unsubscribed";
}

TEST_F(SocketSessionTest, ABadFirstMessageOrSilenceCloses) {
    SocketSession wrong(Deps());
    wrong.Receive(R"({"type":"auth","token":"bad"})");
    ASSERT_TRUE(wrong.Closing());
    EXPECT_EQ(wrong.Closing()->code, kCloseUnauthenticated);

    SocketSession early(Deps());
    early.Receive(R"({"type":"subscribe","channel":"marketplace"})");
    ASSERT_TRUE(early.Closing());
    EXPECT_EQ(early.Closing()->code, 1008);

    SocketSession both(Deps());
    both.Receive(R"({"type":"auth","token":"good","ticket":"t"})");
    EXPECT_EQ(both.Closing()->code, kCloseUnauthenticated);

    SocketSession silent(Deps());
    silent.Tick();
    ASSERT_TRUE(silent.Closing());
    EXPECT_EQ(silent.Closing()->code, 1008);

    SocketSession fine(Deps());
    fine.Receive(R"({"type":"auth","token":"good"})");
    fine.Tick();
    EXPECT_FALSE(fine.Closing()) << "authenticated: a tick is only a heartbeat";
}

TEST_F(SocketSessionTest, ASlowClientIsClosedInsteadOfQueueingWithoutBound) {
    SocketSession s(Deps(4));
    s.Receive(R"({"type":"auth","token":"good"})");
    s.Receive(R"({"type":"subscribe","channel":"marketplace"})");
    for (int i = 0; i < 10; ++i) hub.Publish("marketplace", "pack.published", json::object{{"i", i}});
    ASSERT_TRUE(s.Closing());
    EXPECT_EQ(s.Closing()->code, kCloseTooSlow);
    EXPECT_NE(s.Closing()->reason.find("more than 4 messages"), std::string::npos);
    EXPECT_TRUE(s.Take().empty()) << "what waited is dropped: the client must resynchronise anyway";
}

TEST_F(SocketSessionTest, ProjectSubscriptionsArePresence) {
    guard.Add("project", "project:{id}",
              [](const auth::Principal&, const std::string&) -> Result<void> { return Ok(); });
    {
        SocketSession s(Deps());
        s.Receive(R"({"type":"auth","token":"good"})");
        s.Receive(R"({"type":"subscribe","channel":"project:p1"})");
        EXPECT_EQ(hub.Viewers("project:p1"), std::vector<std::string>{"alice"});
    }
    EXPECT_TRUE(hub.Viewers("project:p1").empty()) << "a session that goes away leaves";
}

TEST(EventStreamSession, FramesEventsAndReplaysAfterLastEventId) {
    Hub hub({8, 1});
    hub.Publish("user:a", "generation.finished", json::object{{"n", 1}});  // id 1
    hub.Publish("user:a", "generation.finished", json::object{{"n", 2}});  // id 2
    EventStreamSession resumed(hub, {"user:a"}, 1, 16);
    hub.Publish("user:a", "project.updated", json::object{{"n", 3}});  // id 3
    resumed.Tick();
    std::string text;
    for (const auto& m : resumed.Take()) text += m;
    EXPECT_EQ(text,
              "retry: 2000\n\n"
              "id: 2\nevent: generation.finished\n"
              "data: {\"type\":\"event\",\"channel\":\"user:a\",\"event\":\"generation.finished\",\"id\":2,"
              "\"data\":{\"n\":2}}\n\n"
              "id: 3\nevent: project.updated\n"
              "data: {\"type\":\"event\",\"channel\":\"user:a\",\"event\":\"project.updated\",\"id\":3,"
              "\"data\":{\"n\":3}}\n\n"
              ": heartbeat\n\n");

    Hub small({1, 1});
    small.Publish("user:a", "x", json::object{});
    small.Publish("user:a", "y", json::object{});
    EventStreamSession gap(small, {"user:a"}, 0, 16);
    std::string g;
    for (const auto& m : gap.Take()) g += m;
    EXPECT_NE(g.find("event: reset\n"), std::string::npos);
    EXPECT_NE(g.find("event: y\n"), std::string::npos);
    EXPECT_EQ(g.find("event: x\n"), std::string::npos);
}

}  // namespace
}  // namespace dihya::realtime
