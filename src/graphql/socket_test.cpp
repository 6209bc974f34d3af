#include "graphql/socket.hpp"

#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "realtime/sessions.hpp"

namespace dihya::graphql {
namespace {

namespace json = boost::json;

/// A schema with one subscription field `ticks(room)` on channel room:{room}, ending at "tick.last"; who may
/// follow: anyone signed in.
class GraphqlSocketTest : public ::testing::Test {
protected:
    void SetUp() override {
        schema_.subscription_type = "Subscription";
        schema_.Add({.kind = TypeKind::kObject,
                     .name = "Tick",
                     .fields = {{.name = "n", .type = "Int!"}, {.name = "event", .type = "String!"}}});
        schema_.Add(
            {.kind = TypeKind::kObject,
             .name = "Query",
             .fields = {{.name = "hello", .type = "String", .resolve = [](const FieldCall&) -> Result<json::value> {
                             return json::value("hi");
                         }}}});
        FieldDef ticks{.name = "ticks", .type = "Tick!", .args = {{"room", "String!", {}, std::nullopt}}};
        ticks.subscribe = [](const FieldCall& call) -> Result<SourceStream> {
            const auto* who = std::any_cast<auth::Principal>(&call.context);
            if (who == nullptr || !who->authenticated()) return MakeError(ErrorCode::kUnauthenticated, "sign in");
            SourceStream out;
            out.channels = {"room:" + std::string(call.args.at("room").as_string())};
            out.end_events = {"tick.last"};
            out.map = [](std::string_view, std::string_view event, const json::value& data) {
                json::object o = data.as_object();
                o["event"] = event;
                return std::optional<json::value>(std::move(o));
            };
            return out;
        };
        schema_.Add({.kind = TypeKind::kObject, .name = "Subscription", .fields = {std::move(ticks)}});
        ASSERT_TRUE(schema_.Finish().ok());
    }

    SocketDeps Deps(std::size_t queue = 16) {
        return SocketDeps{schema_,
                          limits_,
                          hub_,
                          [](std::string_view kind, std::string_view credential) -> Result<auth::Principal> {
                              if (kind == "token" && credential == "good") {
                                  auth::Principal p;
                                  p.user_id = "alice";
                                  p.role = auth::Role::kUser;
                                  return p;
                              }
                              return MakeError(ErrorCode::kUnauthenticated, "invalid token");
                          },
                          auth::Principal::Guest(),
                          [](const auth::Principal& who) { return std::any(who); },
                          queue};
    }

    static std::vector<json::value> Parsed(const std::vector<std::string>& messages) {
        std::vector<json::value> out;
        for (const auto& m : messages) out.push_back(json::parse(m));
        return out;
    }

    static std::string Subscribe(const std::string& id, const std::string& room) {
        return json::serialize(json::object{
            {"type", "subscribe"},
            {"id", id},
            {"payload", json::object{{"query", "subscription($r: String!) { ticks(room: $r) { n event } }"},
                                     {"variables", json::object{{"r", room}}}}}});
    }

    Schema schema_;
    Limits limits_;
    realtime::Hub hub_;
};

TEST_F(GraphqlSocketTest, AcknowledgesThenStreamsEventsUntilTheEnd) {
    SocketSession s(Deps());
    s.Start([] {});
    s.Receive(R"({"type":"connection_init","payload":{"token":"good"}})");
    s.Receive(Subscribe("1", "a"));
    hub_.Publish("room:a", "tick", json::object{{"n", 1}});
    hub_.Publish("room:b", "tick", json::object{{"n", 99}});  // another room
    hub_.Publish("room:a", "tick.last", json::object{{"n", 2}});
    hub_.Publish("room:a", "tick", json::object{{"n", 3}});  // after the end
    const auto got = Parsed(s.Take());
    ASSERT_EQ(got.size(), 4U) << json::serialize(json::value_from(got));
    EXPECT_EQ(got[0], json::parse(R"({"type":"connection_ack"})"));
    EXPECT_EQ(got[1], json::parse(R"({"id":"1","type":"next","payload":{"data":{"ticks":{"n":1,"event":"tick"}}}})"));
    EXPECT_EQ(got[2],
              json::parse(R"({"id":"1","type":"next","payload":{"data":{"ticks":{"n":2,"event":"tick.last"}}}})"));
    EXPECT_EQ(got[3], json::parse(R"({"id":"1","type":"complete"})"));
    EXPECT_FALSE(s.Closing().has_value());
    s.Ended();
}

TEST_F(GraphqlSocketTest, AReusedIdNeverGetsTheOldSubscriptionsEvents) {
    SocketSession s(Deps());
    s.Start([] {});
    s.Receive(R"({"type":"connection_init","payload":{"token":"good"}})");
    s.Receive(Subscribe("x", "a"));
    hub_.Publish("room:a", "tick", json::object{{"n", 1}});  // queued for the first "x", not yet taken
    s.Receive(R"({"type":"complete","id":"x"})");
    s.Receive(Subscribe("x", "b"));
    hub_.Publish("room:b", "tick", json::object{{"n", 2}});
    const auto got = Parsed(s.Take());
    ASSERT_EQ(got.size(), 2U) << json::serialize(json::value_from(got));
    EXPECT_EQ(got[1].at("payload").at("data").at("ticks").at("n"), 2);
    s.Ended();
}

TEST_F(GraphqlSocketTest, SourceErrorsAreAResultThenTheEnd) {
    SocketSession s(Deps());
    s.Start([] {});
    s.Receive(R"({"type":"connection_init"})");  // a guest
    s.Receive(Subscribe("1", "a"));
    s.Receive(R"({"type":"subscribe","id":"2","payload":{"query":"subscription { nope }"}})");
    s.Receive(R"({"type":"subscribe","id":"3","payload":{"query":"{ hello }"}})");
    const auto got = Parsed(s.Take());
    ASSERT_EQ(got.size(), 5U) << json::serialize(json::value_from(got));
    EXPECT_EQ(got[1].at("type"), "next");
    EXPECT_EQ(got[1].at("payload").at("errors").at(0).at("extensions").at("status"), 401);
    EXPECT_EQ(got[2], json::parse(R"({"id":"1","type":"complete"})"));
    EXPECT_EQ(got[3].at("type"), "error") << "a document that does not validate";
    EXPECT_EQ(got[4].at("type"), "error") << "queries are POSTed";
    s.Ended();
}

TEST_F(GraphqlSocketTest, ProtocolViolationsCloseWithTheProtocolsCodes) {
    {
        SocketSession s(Deps());
        s.Start([] {});
        s.Receive(Subscribe("1", "a"));
        EXPECT_EQ(s.Closing()->code, 4401);
    }
    {
        SocketSession s(Deps());
        s.Start([] {});
        s.Receive(R"({"type":"connection_init"})");
        s.Receive(R"({"type":"connection_init"})");
        EXPECT_EQ(s.Closing()->code, 4429);
    }
    {
        SocketSession s(Deps());
        s.Start([] {});
        s.Receive(R"({"type":"connection_init","payload":{"token":"bad"}})");
        EXPECT_EQ(s.Closing()->code, 4403);
    }
    {
        SocketSession s(Deps());
        s.Start([] {});
        s.Receive(R"({"type":"connection_init","payload":{"token":"good"}})");
        s.Receive(Subscribe("1", "a"));
        s.Receive(Subscribe("1", "a"));
        EXPECT_EQ(s.Closing()->code, 4409);
        s.Ended();
    }
    {
        SocketSession s(Deps());
        s.Start([] {});
        s.Receive("[1, 2]");
        EXPECT_EQ(s.Closing()->code, 4400);
    }
    {
        SocketSession s(Deps());
        s.Start([] {});
        s.Tick();  // a heartbeat interval without connection_init
        EXPECT_EQ(s.Closing()->code, 4408);
    }
}

TEST_F(GraphqlSocketTest, ASlowClientIsClosedNotGrown) {
    SocketSession s(Deps(4));
    s.Start([] {});
    s.Receive(R"({"type":"connection_init","payload":{"token":"good"}})");
    s.Receive(Subscribe("1", "a"));
    for (int i = 0; i < 10; ++i) hub_.Publish("room:a", "tick", json::object{{"n", i}});
    ASSERT_TRUE(s.Closing().has_value());
    EXPECT_EQ(s.Closing()->code, realtime::kCloseTooSlow);
    s.Ended();
}

}  // namespace
}  // namespace dihya::graphql
