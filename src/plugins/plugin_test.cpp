#include "plugins/plugin.hpp"

#include <cctype>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "plugins/test_support.hpp"

namespace dihya::plugins {
namespace {

namespace json = boost::json;

using plugins::testing::kHost;

/// Answers every call with `reply`, keeping the calls it was given.
class ScriptedHttp final : public net::HttpClient {
public:
    Result<net::HttpReply> Send(const net::HttpCall& call) const override {
        calls.push_back(call);
        if (fail) return MakeError(ErrorCode::kUnavailable, call.what + ": connection refused");
        return reply;
    }
    net::HttpReply reply{200, "application/json", R"({"label":"Fetched"})"};
    bool fail = false;
    mutable std::vector<net::HttpCall> calls;
};

Manifest Fetching(std::vector<std::string> hosts) {
    Manifest m;
    m.name = "labels";
    m.version = "1.0.0";
    m.permissions = {"http:fetch"};
    m.hosts = std::move(hosts);
    return m;
}

std::string Request(const std::string& url, const std::string& method = "GET") {
    return json::serialize(json::object{{"url", url}, {"method", method}, {"headers", json::array{"Accept: x/y"}}});
}

/// A name server for the tests: public names, one name of a private network, addresses as themselves.
Result<std::vector<std::string>> Names(const std::string& host) {
    if (host == "api.example.org") return std::vector<std::string>{"93.184.216.34", "2606:2800:220:1::1"};
    if (host == "intranet.example.org") return std::vector<std::string>{"93.184.216.35", "10.1.2.3"};
    if (host == "evil.example.org") return std::vector<std::string>{"93.184.216.36"};
    if (!host.empty() && (std::isdigit(static_cast<unsigned char>(host[0])) || host.find(':') != std::string::npos)) {
        return std::vector<std::string>{host};
    }
    return MakeError(ErrorCode::kUnavailable, "the host " + host + " does not resolve");
}

json::value Answer(const Manifest& m, const ScriptedHttp& http, const std::string& request,
                   std::vector<std::string>& log, FetchReach reach = FetchReach::kPublic) {
    return json::parse(AnswerFetch(m, http, request, std::chrono::milliseconds(1500), log, reach, Names));
}

TEST(PluginFetch, PrivateAddresses) {
    for (const char* a : {"127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                          "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
                          "::ffff:127.0.0.1", "::ffff:10.0.0.1", "ff02::1", "not an address"}) {
        EXPECT_TRUE(PrivateAddress(a)) << a;
    }
    for (const char* a : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:2800:220:1::1", "::ffff:8.8.8.8"}) {
        EXPECT_FALSE(PrivateAddress(a)) << a;
    }
}

TEST(PluginFetch, OnlyPublicAddressesUnlessAnAdminTrustsThePlugin) {
    ScriptedHttp http;
    std::vector<std::string> log;
    const Manifest m = Fetching({"intranet.example.org", "127.0.0.1:8080", "API.Example.org."});
    // A name with one private address among public ones, a loopback address: refused, nothing sent.
    const json::value intranet = Answer(m, http, Request("https://intranet.example.org/x"), log);
    EXPECT_NE(intranet.at("error").as_string().find("private network"), json::string::npos) << intranet;
    EXPECT_TRUE(Answer(m, http, Request("http://127.0.0.1:8080/x"), log).as_object().contains("error"));
    EXPECT_TRUE(http.calls.empty());
    // Public: pinned to the addresses checked (a second lookup could answer another one); listed hosts match
    // whatever their case and a trailing dot.
    EXPECT_FALSE(Answer(m, http, Request("https://api.example.org/x"), log).as_object().contains("error"));
    ASSERT_EQ(http.calls.size(), 1u);
    EXPECT_EQ(http.calls[0].resolve, (std::vector<std::string>{"api.example.org:443:93.184.216.34",
                                                               "api.example.org:443:[2606:2800:220:1::1]"}));
    // A plugin an admin enabled for everybody reaches them, without pinning.
    EXPECT_FALSE(Answer(m, http, Request("http://127.0.0.1:8080/x", "POST"), log, FetchReach::kPrivateToo)
                     .as_object()
                     .contains("error"));
    EXPECT_TRUE(http.calls.back().resolve.empty());
}

TEST(PluginFetch, OnlyWithThePermissionAndOnlyToTheListedHosts) {
    ScriptedHttp http;
    std::vector<std::string> log;
    Manifest none = Fetching({"api.example.org"});
    none.permissions.clear();
    EXPECT_NE(Answer(none, http, Request("https://api.example.org/x"), log).at("error").as_string().find("http:fetch"),
              json::string::npos);

    const Manifest m = Fetching({"api.example.org", "127.0.0.1:8080"});
    EXPECT_NE(
        Answer(m, http, Request("https://evil.example.org/x"), log).at("error").as_string().find("evil.example.org"),
        json::string::npos);
    // Another port than the one listed (or than the scheme's) is another host.
    EXPECT_TRUE(Answer(m, http, Request("https://api.example.org:8443/x"), log).as_object().contains("error"));
    EXPECT_TRUE(Answer(m, http, Request("http://127.0.0.1:9090/x"), log).as_object().contains("error"));
    EXPECT_TRUE(Answer(m, http, Request("file:///etc/passwd"), log).as_object().contains("error"));
    EXPECT_TRUE(Answer(m, http, Request("https://api.example.org/x", "DELETE"), log).as_object().contains("error"));
    EXPECT_TRUE(Answer(m, http, "not json", log).as_object().contains("error"));
    EXPECT_TRUE(http.calls.empty()) << "nothing refused went out";
    EXPECT_TRUE(log.empty());

    const json::value ok = Answer(m, http, Request("https://API.example.org:443/labels?key=secret"), log);
    EXPECT_EQ(ok.at("status").as_int64(), 200);
    EXPECT_EQ(ok.at("body").as_string(), R"({"label":"Fetched"})");
    ASSERT_EQ(http.calls.size(), 1u);
    EXPECT_EQ(http.calls[0].method, "GET");
    EXPECT_EQ(http.calls[0].headers, std::vector<std::string>{"Accept: x/y"});
    EXPECT_GT(http.calls[0].timeout_ms, 0);
    EXPECT_LE(http.calls[0].timeout_ms, 1500);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0], "labels 1.0.0: fetched GET https://api.example.org/labels → 200");  // never the query

    EXPECT_FALSE(Answer(m, http, Request("http://127.0.0.1:8080/y", "POST"), log, FetchReach::kPrivateToo)
                     .as_object()
                     .contains("error"));
    http.fail = true;
    EXPECT_NE(Answer(m, http, Request("https://api.example.org/z"), log).at("error").as_string().find("refused"),
              json::string::npos);
    EXPECT_EQ(log.back(), "labels 1.0.0: fetch GET https://api.example.org/z failed");
}

class PluginFetchSandbox : public ::testing::Test {
protected:
    void SetUp() override {
        if (kHost == nullptr) GTEST_SKIP() << "dihya-js is not built here (sanitizer build)";
    }
};

TEST_F(PluginFetchSandbox, AHookAwaitsFetchAndTheServerAnswers) {
    const std::string source = R"(
export default {
  manifest: { name: 'labels', version: '1.0.0', description: 'd', author: 'a', hooks: ['beforeGeneration'],
              permissions: ['model:write', 'http:fetch'], hosts: ['api.example.org'] },
  async beforeGeneration(model) {
    const res = await fetch('https://api.example.org/labels', { headers: { accept: 'application/json' } });
    const { label } = await res.json();
    let refused = '';
    try { await fetch('https://elsewhere.example.org/'); } catch (e) { refused = e.message; }
    return { ...model, n: res.status, label, type: res.headers.get('Content-Type'), refused };
  },
};)";
    ScriptedHttp http;
    auto plugin = Plugin::Load(kHost, "labels.mjs", source, {}, &http, FetchReach::kPrivateToo);
    ASSERT_TRUE(plugin) << plugin.error().message;
    auto answer = (*plugin)->sandbox().Call("beforeGeneration", json::array{json::object{{"name", "m"}}});
    ASSERT_TRUE(answer) << answer.error().message;
    EXPECT_EQ(answer->at("n").as_int64(), 200);
    EXPECT_EQ(answer->at("label").as_string(), "Fetched");
    EXPECT_EQ(answer->at("type").as_string(), "application/json");
    EXPECT_NE(answer->at("refused").as_string().find("not among the hosts"), json::string::npos);
    ASSERT_EQ(http.calls.size(), 1u);
    EXPECT_EQ(http.calls[0].headers, std::vector<std::string>{"accept: application/json"});

    // Without a client (dihya plugin test, offline), fetch fails; so does a 21st fetch in one call.
    auto offline = Plugin::Load(kHost, "labels.mjs", source, {});
    ASSERT_TRUE(offline);
    auto failed = (*offline)->sandbox().Call("beforeGeneration", json::array{json::object{}});
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("not available"), std::string::npos) << failed.error().message;
    const std::string greedy = R"(
export default {
  manifest: { name: 'greedy', version: '1.0.0', description: 'd', author: 'a', hooks: ['beforeGeneration'],
              permissions: ['http:fetch'], hosts: ['api.example.org'] },
  async beforeGeneration(model) {
    for (let i = 0; i < 25; i++) await fetch('https://api.example.org/' + i);
    return model;
  },
};)";
    auto many = Plugin::Load(kHost, "greedy.mjs", greedy, {}, &http, FetchReach::kPrivateToo);
    ASSERT_TRUE(many);
    auto stopped = (*many)->sandbox().Call("beforeGeneration", json::array{json::object{}});
    ASSERT_FALSE(stopped);
    EXPECT_NE(stopped.error().message.find("more than 20 fetches"), std::string::npos) << stopped.error().message;
    // A module does not fetch while it loads: only hooks do.
    auto at_load = Plugin::Load(kHost, "early.mjs",
                                "await fetch('https://api.example.org/');\n"
                                "export default { manifest: { name: 'early', version: '1.0.0', description: 'd', "
                                "author: 'a', hooks: ['onEvent'], permissions: ['http:fetch'], hosts: "
                                "['api.example.org'] }, onEvent() {} };",
                                {}, &http);
    ASSERT_FALSE(at_load);
    EXPECT_NE(at_load.error().message.find("not available"), std::string::npos) << at_load.error().message;
}

}  // namespace
}  // namespace dihya::plugins
