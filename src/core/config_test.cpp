#include "core/config.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace dihya {
namespace {

std::string WriteTemp(const std::string& name, const std::string& content) {
    auto dir = std::filesystem::temp_directory_path() / ("dihya-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto path = dir / name;
    std::ofstream(path) << content;
    return path.string();
}

ConfigSources NoEnv() {
    ConfigSources s;
    s.env_names = std::vector<std::string>{};
    return s;
}

TEST(Config, DefaultsAreSensible) {
    auto c = LoadConfig(NoEnv());
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->listen_host, "127.0.0.1");
    EXPECT_EQ(c->listen_port, 8080);
    EXPECT_EQ(c->EffectiveDatabaseUrl(), "sqlite://./var/dihya.db");
    EXPECT_TRUE(c->rate_limit.enabled);
    EXPECT_FALSE(c->dev);
}

TEST(Config, PrecedenceIsFileThenEnvThenFlags) {
    auto s = NoEnv();
    s.config_file = WriteTemp("p.yaml", "listen: 0.0.0.0:9000\ndata_dir: /from/file\nlimits:\n  max_body_bytes: 100\n");
    std::map<std::string, std::string> env = {{"DIHYA_DATA_DIR", "/from/env"}, {"DIHYA_LIMITS__MAX_BODY_BYTES", "200"}};
    s.env_names = std::vector<std::string>{"DIHYA_DATA_DIR", "DIHYA_LIMITS__MAX_BODY_BYTES", "DIHYA_BIN"};
    s.getenv = [&](const std::string& n) -> std::optional<std::string> {
        auto it = env.find(n);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
    s.flags = {{"data_dir", "/from/flag"}};
    auto c = LoadConfig(s);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->listen_host, "0.0.0.0");
    EXPECT_EQ(c->listen_port, 9000);
    EXPECT_EQ(c->data_dir, "/from/flag");
    EXPECT_EQ(c->limits.max_body_bytes, 200);
}

TEST(Config, InvalidValueNamesFileLineAndKey) {
    auto s = NoEnv();
    s.config_file = WriteTemp("bad.yaml", "listen: 127.0.0.1:80\nlimits:\n  max_body_bytes: -5\n");
    auto c = LoadConfig(s);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("bad.yaml:3"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("limits.max_body_bytes"), std::string::npos);
    EXPECT_EQ(c.error().details.count("limits.max_body_bytes"), 1u);
}

TEST(Config, UnknownKeyIsAnError) {
    auto s = NoEnv();
    s.config_file = WriteTemp("unknown.yaml", "limits:\n  max_bodyy_bytes: 5\n");
    auto c = LoadConfig(s);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("limits.max_bodyy_bytes: unknown configuration key"), std::string::npos);
}

TEST(Config, BadListenAndShortSecretAreRejected) {
    auto s = NoEnv();
    s.flags = {{"listen", "nonsense"}};
    auto c = LoadConfig(s);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("--listen"), std::string::npos);
    s.flags = {{"secret", "short"}};
    c = LoadConfig(s);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("at least 32"), std::string::npos);
    // the rejected value itself is not echoed: it may be a secret
    EXPECT_EQ(c.error().message.find("short"), std::string::npos);
}

TEST(Config, CorsOriginsFromEnvListAndValidation) {
    auto s = NoEnv();
    s.env_names = std::vector<std::string>{"DIHYA_CORS__ALLOWED_ORIGINS"};
    s.getenv = [](const std::string&) { return std::optional<std::string>("https://a.example, https://b.example"); };
    auto c = LoadConfig(s);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->cors.allowed_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
    s.getenv = [](const std::string&) { return std::optional<std::string>("ftp://x"); };
    EXPECT_FALSE(LoadConfig(s).ok());
}

TEST(Config, MalformedYamlReportsLine) {
    auto s = NoEnv();
    s.config_file = WriteTemp("broken.yaml", "listen: [\n");
    auto c = LoadConfig(s);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("broken.yaml:"), std::string::npos);
}

}  // namespace
}  // namespace dihya
