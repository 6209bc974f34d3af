// Template packs: a pack.yaml and its templates (the input is split at lines "%%": the manifest first, then
// "path\ncontent" per template) are parsed and validated; a pack that loads renders a sample model or fails
// cleanly, and every output path it writes is confined to the project.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "generator/engine.hpp"
#include "generator/pack.hpp"
#include "model/project_model.hpp"

namespace {

constexpr std::string_view kModel = R"(name: clinic
title: Clinic
locales: [fr, ar]
features: [auth, i18n]
roles: [admin, doctor]
entities:
  - name: Patient
    fields:
      - {name: full_name, type: string, required: true}
      - {name: born, type: date}
      - {name: status, type: enum, values: [new, seen]}
  - name: Visit
    fields:
      - {name: at, type: datetime}
      - {name: patient, type: ref, ref: Patient}
stacks: {frontend: react, backend: express, devops: none}
)";

const dihya::model::ProjectModel& Model() {
    static const dihya::model::ProjectModel model = [] {
        dihya::model::Vocabulary v;
        v.stacks = {{"frontend", {"react", "none"}}, {"backend", {"express", "none"}}, {"devops", {"docker"}}};
        v.features = {"auth", "i18n"};
        v.locales = {"fr", "ar", "en"};
        v.domains = {"custom"};
        auto m = dihya::model::ParseModel(kModel, "model.yaml", v);
        dihya::fuzz::Check(m.ok(), "the sample model does not parse");
        return std::move(m.value());
    }();
    return model;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto parts = dihya::fuzz::Split(dihya::fuzz::AsText(data, size), "\n%%\n");
    std::map<std::string, std::string> files;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto nl = parts[i].find('\n');
        files[std::string(parts[i].substr(0, nl))] =
            nl == std::string_view::npos ? "" : std::string(parts[i].substr(nl + 1));
    }
    auto pack = dihya::generator::ParsePack(parts[0], "fuzz/pack.yaml",
                                            [&](const std::string& path) -> std::optional<std::string> {
                                                const auto it = files.find(path);
                                                if (it == files.end()) return std::nullopt;
                                                return it->second;
                                            });
    if (!pack) {
        dihya::fuzz::Check(!pack.error().message.empty(), "a pack error without a message");
        return 0;
    }
    std::vector<dihya::generator::Pack> packs{std::move(pack.value())};
    if (!dihya::generator::ResolveLibraries(packs)) return 0;
    const dihya::generator::Engine engine(std::move(packs));
    auto tree = engine.Render(Model());
    if (!tree) return 0;
    for (const auto& f : tree->files) {
        dihya::fuzz::Check(dihya::generator::PathProblem(f.path).empty(), "a pack wrote outside the project");
    }
    return 0;
}
