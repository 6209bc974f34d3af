// The built-in devops packs (packs/stacks/docker, compose, github-actions) rendered with the real front-end and
// back-end packs for several models: which files appear, and whether what they say agrees with the generated code.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "core/config.hpp"
#include "generator/engine.hpp"
#include "generator/pack.hpp"
#include "generator/test_support.hpp"

namespace dihya::generator {
namespace {

using test_support::BuiltInPacks;
using test_support::Model;

std::string Spec(std::string_view stacks, std::string_view features = "[auth]") {
    return "name: clinic-booking\ntitle: Clinic Booking\nfeatures: " + std::string(features) +
           "\nroles: [admin, doctor]\n"
           "entities:\n"
           "  - name: Patient\n"
           "    fields:\n"
           "      - {name: full_name, type: string, required: true}\n"
           "  - name: Appointment\n"
           "    fields:\n"
           "      - {name: starts_at, type: datetime, required: true}\n"
           "      - {name: patient, type: ref, ref: Patient}\n"
           "stacks: " +
           std::string(stacks) + "\n";
}

std::map<std::string, std::string> Generate(std::string_view spec) {
    const Engine engine(BuiltInPacks(), EngineOptions{"9.9.9"});
    auto tree = engine.Render(Model(spec));
    EXPECT_TRUE(tree.ok()) << (tree.ok() ? "" : tree.error().message);
    std::map<std::string, std::string> files;
    if (!tree.ok()) return files;
    for (const auto& f : tree->files) files[f.path] = f.content;
    return files;
}

bool Has(const std::map<std::string, std::string>& files, const std::string& path) {
    return files.count(path) == 1;
}

bool Contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

/// The instructions of a Dockerfile, continuation lines joined, comments dropped.
std::vector<std::string> Instructions(const std::string& dockerfile) {
    std::vector<std::string> out;
    std::string current;
    std::size_t pos = 0;
    while (pos < dockerfile.size()) {
        std::size_t nl = dockerfile.find('\n', pos);
        if (nl == std::string::npos) nl = dockerfile.size();
        std::string line = dockerfile.substr(pos, nl - pos);
        pos = nl + 1;
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        line = line.substr(first);
        const bool continued = !line.empty() && line.back() == '\\';
        if (continued) line.pop_back();
        current += current.empty() ? line : " " + line;
        if (continued) continue;
        out.push_back(current);
        current.clear();
    }
    return out;
}

std::vector<std::string> WithKeyword(const std::string& dockerfile, std::string_view keyword) {
    std::vector<std::string> out;
    for (const std::string& i : Instructions(dockerfile)) {
        if (i.rfind(std::string(keyword) + " ", 0) == 0) out.push_back(i.substr(keyword.size() + 1));
    }
    return out;
}

std::vector<std::string> Keys(const YAML::Node& map) {
    std::vector<std::string> out;
    for (const auto& kv : map) out.push_back(kv.first.as<std::string>());
    return out;
}

/// Every COPY source of the first stage (or any stage) exists in the tree under `dir`.
void ExpectCopySourcesExist(const std::map<std::string, std::string>& files, const std::string& dir) {
    const std::string& dockerfile = files.at(dir + "/Dockerfile");
    for (const std::string& copy : WithKeyword(dockerfile, "COPY")) {
        if (copy.rfind("--from=", 0) == 0) continue;
        std::vector<std::string> words;
        std::size_t start = 0;
        while (start < copy.size()) {
            const std::size_t space = copy.find(' ', start);
            const std::size_t end = space == std::string::npos ? copy.size() : space;
            if (end > start) words.push_back(copy.substr(start, end - start));
            start = end + 1;
        }
        ASSERT_GE(words.size(), 2u) << copy;
        for (std::size_t i = 0; i + 1 < words.size(); ++i) {
            if (words[i] == ".") continue;
            const std::string source = dir + "/" + words[i];
            const bool exists = Has(files, source) || std::any_of(files.begin(), files.end(), [&](const auto& f) {
                                    return f.first.rfind(source + "/", 0) == 0;
                                });
            EXPECT_TRUE(exists) << dir << "/Dockerfile copies " << words[i] << ", which is not generated";
        }
    }
}

TEST(DevopsPacks, DefaultStacksReactExpressDockerComposeActions) {
    const auto files =
        Generate(Spec("{frontend: react, backend: express, devops: [docker, compose, github-actions]}", "[auth]"));
    for (const char* path :
         {"README.md", "compose.yaml", ".env.example", ".gitignore", ".github/workflows/ci.yml", "frontend/Dockerfile",
          "frontend/.dockerignore", "frontend/nginx/default.conf.template", "frontend/package-lock.json",
          "backend/Dockerfile", "backend/.dockerignore", "backend/package-lock.json"}) {
        EXPECT_TRUE(Has(files, path)) << path;
    }
    // The backend image runs what `npm start` runs, on the port src/server.js listens on by default.
    const std::string& backend = files.at("backend/Dockerfile");
    const auto package = boost::json::parse(files.at("backend/package.json"));
    EXPECT_EQ(package.at("scripts").at("start"), "node src/server.js");
    EXPECT_EQ(WithKeyword(backend, "CMD"), std::vector<std::string>{R"(["node", "src/server.js"])"});
    EXPECT_TRUE(Contains(files.at("backend/src/server.js"), "process.env.PORT ?? 3000"));
    EXPECT_EQ(WithKeyword(backend, "EXPOSE"), std::vector<std::string>{"3000"});
    EXPECT_EQ(WithKeyword(backend, "USER"), std::vector<std::string>{"node"});
    EXPECT_TRUE(Contains(backend, "npm ci --omit=dev"));
    ASSERT_EQ(WithKeyword(backend, "HEALTHCHECK").size(), 1u);
    EXPECT_TRUE(Contains(WithKeyword(backend, "HEALTHCHECK")[0], "/healthz"));
    EXPECT_TRUE(Contains(files.at("backend/src/app.js"), "app.get('/healthz'"));
    ExpectCopySourcesExist(files, "backend");
    ExpectCopySourcesExist(files, "frontend");

    // The front end: node build stage, then nginx with the template that forwards /api to the backend.
    const std::string& frontend = files.at("frontend/Dockerfile");
    EXPECT_EQ(WithKeyword(frontend, "FROM").size(), 2u);
    EXPECT_TRUE(Contains(frontend, "RUN npm run build"));
    EXPECT_TRUE(Contains(frontend, "ENV API_UPSTREAM=http://backend:3000"));
    const std::string& nginx = files.at("frontend/nginx/default.conf.template");
    EXPECT_TRUE(Contains(nginx, "location /api/ {"));
    EXPECT_TRUE(Contains(nginx, "set $api_upstream ${API_UPSTREAM};"));
    EXPECT_TRUE(Contains(nginx, "try_files $uri $uri/ /index.html;"));
    EXPECT_TRUE(Contains(files.at("frontend/src/api/client.ts"), "VITE_API_URL ?? ''"));

    const YAML::Node compose = YAML::Load(files.at("compose.yaml"));
    EXPECT_EQ(compose["name"].as<std::string>(), "clinic-booking");
    EXPECT_EQ(Keys(compose["services"]), (std::vector<std::string>{"backend", "frontend"}));
    const YAML::Node api = compose["services"]["backend"];
    EXPECT_EQ(api["build"].as<std::string>(), "./backend");
    EXPECT_EQ(api["ports"][0].as<std::string>(), "127.0.0.1:${BACKEND_PORT:-3000}:3000");
    EXPECT_EQ(api["environment"]["PORT"].as<std::string>(), "3000");
    EXPECT_EQ(api["environment"]["JWT_SECRET"].as<std::string>(),
              "${JWT_SECRET:?set JWT_SECRET in .env, see .env.example}");
    EXPECT_EQ(api["environment"]["DOCTOR_PASSWORD"].as<std::string>(), "${DOCTOR_PASSWORD:-}");
    EXPECT_EQ(api["environment"]["ADMIN_EMAIL"].as<std::string>(), "${ADMIN_EMAIL:-admin@example.com}");
    EXPECT_EQ(api["healthcheck"]["test"][0].as<std::string>(), "CMD");
    const YAML::Node web = compose["services"]["frontend"];
    EXPECT_EQ(web["environment"]["API_UPSTREAM"].as<std::string>(), "http://backend:3000");
    EXPECT_EQ(web["depends_on"]["backend"]["condition"].as<std::string>(), "service_healthy");
    EXPECT_EQ(web["ports"][0].as<std::string>(), "127.0.0.1:${FRONTEND_PORT:-8080}:80");
    EXPECT_TRUE(Contains(files.at(".env.example"), "\nDOCTOR_PASSWORD=\n"));
    EXPECT_TRUE(Contains(files.at(".gitignore"), "\n.env\n"));

    const YAML::Node ci = YAML::Load(files.at(".github/workflows/ci.yml"));
    EXPECT_EQ(Keys(ci["jobs"]), (std::vector<std::string>{"frontend", "backend", "docker"}));
    for (const char* job : {"frontend", "backend"}) {
        const std::string dir = ci["jobs"][job]["defaults"]["run"]["working-directory"].as<std::string>();
        EXPECT_TRUE(Has(files, dir + "/package.json")) << job;
        const YAML::Node steps = ci["jobs"][job]["steps"];
        EXPECT_EQ(steps[1]["with"]["cache"].as<std::string>(), "npm");
        EXPECT_TRUE(Has(files, steps[1]["with"]["cache-dependency-path"].as<std::string>()));
    }
    std::vector<std::string> runs;
    for (const auto& step : ci["jobs"]["frontend"]["steps"]) {
        if (step["run"]) runs.push_back(step["run"].as<std::string>());
    }
    EXPECT_EQ(runs, (std::vector<std::string>{"npm ci", "npm test", "npm run build"}));
    EXPECT_EQ(ci["jobs"]["docker"]["needs"].as<std::vector<std::string>>(),
              (std::vector<std::string>{"frontend", "backend"}));
    EXPECT_TRUE(Contains(files.at(".github/workflows/ci.yml"), "docker compose up --build --detach --wait"));

    const std::string& readme = files.at("README.md");
    EXPECT_TRUE(Contains(readme, "## Run with Docker Compose"));
    EXPECT_TRUE(Contains(readme, "docker compose up --build --wait"));
    EXPECT_TRUE(Contains(readme, "## Continuous integration"));
    EXPECT_TRUE(Contains(readme, "`ADMIN_PASSWORD`, `DOCTOR_PASSWORD`"));
}

TEST(DevopsPacks, FlaskWithoutFrontEndOrAuth) {
    const auto files =
        Generate(Spec("{frontend: none, backend: flask, devops: [docker, compose, github-actions]}", "[]"));
    EXPECT_FALSE(Has(files, "frontend/Dockerfile"));
    const std::string& backend = files.at("backend/Dockerfile");
    EXPECT_TRUE(Contains(files.at("backend/requirements.txt"), "gunicorn"));
    const auto cmd = WithKeyword(backend, "CMD");
    ASSERT_EQ(cmd.size(), 1u);
    EXPECT_TRUE(Contains(cmd[0], R"("gunicorn", "--bind", "0.0.0.0:5000", "--workers", "1")"));
    EXPECT_TRUE(Contains(cmd[0], R"x("app:create_app()")x"));
    EXPECT_TRUE(Contains(files.at("backend/app/__init__.py"), "def create_app("));
    EXPECT_EQ(WithKeyword(backend, "EXPOSE"), std::vector<std::string>{"5000"});
    EXPECT_EQ(WithKeyword(backend, "USER"), std::vector<std::string>{"app"});
    ExpectCopySourcesExist(files, "backend");

    const YAML::Node compose = YAML::Load(files.at("compose.yaml"));
    EXPECT_EQ(Keys(compose["services"]), std::vector<std::string>{"backend"});
    EXPECT_EQ(compose["services"]["backend"]["ports"][0].as<std::string>(), "127.0.0.1:${BACKEND_PORT:-5000}:5000");
    EXPECT_EQ(compose["services"]["backend"]["environment"]["APP_ENV"].as<std::string>(), "production");
    EXPECT_FALSE(Contains(files.at("compose.yaml"), "JWT_SECRET"));
    EXPECT_FALSE(Contains(files.at(".env.example"), "JWT_SECRET"));

    const YAML::Node ci = YAML::Load(files.at(".github/workflows/ci.yml"));
    EXPECT_EQ(Keys(ci["jobs"]), (std::vector<std::string>{"backend", "docker"}));
    const YAML::Node steps = ci["jobs"]["backend"]["steps"];
    EXPECT_EQ(steps[1]["uses"].as<std::string>().rfind("actions/setup-python@", 0), 0u);
    EXPECT_EQ(steps[1]["with"]["cache"].as<std::string>(), "pip");
    EXPECT_EQ(steps[1]["with"]["cache-dependency-path"].as<std::string>(), "backend/requirements.txt");
    EXPECT_EQ(steps[3]["run"].as<std::string>(), "python -m pytest -q");
    EXPECT_EQ(ci["jobs"]["docker"]["needs"].as<std::vector<std::string>>(), std::vector<std::string>{"backend"});
    EXPECT_FALSE(ci["jobs"]["docker"]["env"]);
    EXPECT_TRUE(Contains(files.at("README.md"), "gunicorn"));
}

TEST(DevopsPacks, FrontEndOnlyHasNoApiForwarding) {
    const auto files = Generate(Spec("{frontend: react, backend: none, devops: [docker, compose, github-actions]}"));
    EXPECT_FALSE(Has(files, "backend/Dockerfile"));
    EXPECT_FALSE(Contains(files.at("frontend/nginx/default.conf.template"), "/api/"));
    EXPECT_FALSE(Contains(files.at("frontend/Dockerfile"), "API_UPSTREAM"));
    const YAML::Node compose = YAML::Load(files.at("compose.yaml"));
    EXPECT_EQ(Keys(compose["services"]), std::vector<std::string>{"frontend"});
    EXPECT_FALSE(compose["services"]["frontend"]["depends_on"]);
    const YAML::Node ci = YAML::Load(files.at(".github/workflows/ci.yml"));
    EXPECT_EQ(Keys(ci["jobs"]), (std::vector<std::string>{"frontend", "docker"}));
}

TEST(DevopsPacks, ActionsAloneWriteTheReadmeAndNoDockerJob) {
    const auto files = Generate(Spec("{frontend: react, backend: express, devops: [github-actions]}"));
    EXPECT_FALSE(Has(files, "backend/Dockerfile"));
    EXPECT_FALSE(Has(files, "compose.yaml"));
    const YAML::Node ci = YAML::Load(files.at(".github/workflows/ci.yml"));
    EXPECT_EQ(Keys(ci["jobs"]), (std::vector<std::string>{"frontend", "backend"}));
    EXPECT_TRUE(Contains(files.at("README.md"), "## Continuous integration"));
    EXPECT_FALSE(Contains(files.at("README.md"), "docker"));
}

TEST(DevopsPacks, DockerAloneBuildsImagesWithoutComposeOrCi) {
    const auto files = Generate(Spec("{frontend: react, backend: express, devops: [docker]}"));
    EXPECT_TRUE(Has(files, "backend/Dockerfile"));
    EXPECT_FALSE(Has(files, "compose.yaml"));
    EXPECT_FALSE(Has(files, ".github/workflows/ci.yml"));
    EXPECT_FALSE(Contains(files.at("README.md"), "docker compose"));
    EXPECT_FALSE(Contains(files.at("README.md"), "Continuous integration"));
}

TEST(DevopsPacks, NoServiceNoComposeFileNorWorkflow) {
    const auto files =
        Generate(Spec("{frontend: none, backend: none, devops: [docker, compose, github-actions]}", "[]"));
    EXPECT_FALSE(Has(files, "compose.yaml"));
    EXPECT_FALSE(Has(files, ".github/workflows/ci.yml"));
    EXPECT_FALSE(Has(files, "frontend/Dockerfile"));
}

TEST(DevopsPacks, ComposeNeedsDockerAndAStackWithoutAPackIsNamed) {
    const Engine engine(BuiltInPacks());
    auto compose = engine.MakePlan(Model(Spec("{frontend: react, backend: express, devops: [compose]}")));
    ASSERT_FALSE(compose.ok());
    EXPECT_EQ(compose.error().message,
              "stacks.devops = compose needs stacks.devops = docker as well (pack compose): add docker to "
              "stacks.devops");
    EXPECT_EQ(compose.error().details.count("stacks.devops"), 1u);

    // Without the kubernetes pack installed, asking for it is an error that lists what is installed.
    std::vector<Pack> without;
    for (const Pack& p : BuiltInPacks()) {
        if (p.name != "kubernetes") without.push_back(p);
    }
    const Engine partial(std::move(without));
    auto k8s = partial.MakePlan(Model(Spec("{frontend: react, backend: express, devops: [docker, kubernetes]}")));
    ASSERT_FALSE(k8s.ok());
    EXPECT_EQ(k8s.error().message.rfind("no template pack for stacks.devops[1] = kubernetes; packs exist for ", 0), 0u)
        << k8s.error().message;
    EXPECT_TRUE(Contains(k8s.error().message, "devops: compose, docker, github-actions, terraform"))
        << k8s.error().message;
}

TEST(DevopsPacks, LockFilesAgreeWithPackageJson) {
    const auto files = Generate(Spec("{frontend: react, backend: express, devops: [docker]}"));
    for (const char* dir : {"frontend", "backend"}) {
        const auto package = boost::json::parse(files.at(std::string(dir) + "/package.json"));
        const auto lock = boost::json::parse(files.at(std::string(dir) + "/package-lock.json"));
        const auto& root = lock.at("packages").at("");
        EXPECT_EQ(lock.at("name"), package.at("name")) << dir;
        for (const char* key : {"dependencies", "devDependencies"}) {
            const auto* want = package.as_object().if_contains(key);
            const auto* got = root.as_object().if_contains(key);
            ASSERT_EQ(want == nullptr, got == nullptr) << dir << " " << key;
            if (want != nullptr) {
                EXPECT_EQ(*want, *got) << dir << " " << key;
            }
        }
    }
}

}  // namespace
}  // namespace dihya::generator
