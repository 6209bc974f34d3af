#pragma once

// Helpers for the generator's unit tests: temporary folders, small packs written on the fly, models.

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "core/config.hpp"
#include "generator/pack.hpp"
#include "model/project_model.hpp"

namespace dihya::generator::test_support {

class TempDir final {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "dihya-gen-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline void WriteText(const std::filesystem::path& file, std::string_view text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << text;
}

inline model::Vocabulary TestVocabulary() {
    model::Vocabulary v;
    v.stacks = {
        {"frontend", {"react", "vue", "svelte", "none"}},
        {"backend", {"express", "flask", "fastapi", "django", "none"}},
        {"mobile", {"react-native", "flutter", "none"}},
        {"ai", {"python-ml", "none"}},
        {"devops", {"docker", "compose", "github-actions", "kubernetes", "terraform"}},
        {"blockchain", {"solidity", "none"}},
    };
    v.domains = {"health", "custom"};
    v.features = {"auth", "i18n", "seo", "notifications", "search"};
    v.locales = {"fr", "en", "ar"};
    return v;
}

/// The packs of the source tree (packs/), loaded once.
inline const std::vector<Pack>& BuiltInPacks() {
    static const std::vector<Pack> packs = [] {
        auto loaded = LoadPacks(std::string(dihya::SourceDir()) + "/packs");
        EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message);
        return loaded.ok() ? std::move(loaded.value()) : std::vector<Pack>{};
    }();
    return packs;
}

inline model::ProjectModel Model(std::string_view yaml) {
    auto parsed = model::ParseModel(yaml, "spec.yaml", TestVocabulary());
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
    if (!parsed.ok()) return {};
    return std::move(parsed.value());
}

/// A clinic with two entities, react + express, no devops.
inline constexpr std::string_view kClinic = R"(name: clinic-booking
title: Clinic Booking
locales: [fr, ar]
features: [auth]
entities:
  - name: Patient
    fields:
      - {name: full_name, type: string, required: true}
      - {name: email, type: email, unique: true}
  - name: Appointment
    fields:
      - {name: starts_at, type: datetime, required: true}
      - {name: status, type: enum, values: [booked, done]}
      - {name: patient, type: ref, ref: Patient}
stacks:
  frontend: react
  backend: express
  devops: none
)";

/// Writes a pack folder `<root>/stacks/<name>/` with the given pack.yaml and templates (path → text).
inline std::filesystem::path WritePack(const std::filesystem::path& root, const std::string& name,
                                       std::string_view yaml,
                                       std::initializer_list<std::pair<std::string, std::string>> files) {
    const auto dir = root / "stacks" / name;
    WriteText(dir / "pack.yaml", yaml);
    for (const auto& [path, text] : files) WriteText(dir / path, text);
    return dir;
}

}  // namespace dihya::generator::test_support
