#include "update/update.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "generator/archive.hpp"
#include "generator/test_support.hpp"

namespace dihya::update {
namespace {

namespace fs = std::filesystem;
using generator::GeneratedFile;
using generator::Tree;
using generator::test_support::TempDir;
using generator::test_support::WriteText;

Tree MakeTree(std::vector<std::pair<std::string, std::string>> files, std::string answers = "{\"v\":1}\n") {
    Tree t;
    for (auto& [path, content] : files) t.files.push_back(GeneratedFile{path, content, false});
    t.files.push_back(GeneratedFile{std::string(generator::kAnswersPath), std::move(answers), false});
    return t;
}

std::string Read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const Change* Find(const UpdatePlan& plan, const std::string& path) {
    for (const Change& c : plan.changes) {
        if (c.path == path) return &c;
    }
    return nullptr;
}

/// Plans base → next against the folder, checks the action for `path`, applies, and returns the plan.
class UpdateDecisions : public ::testing::Test {
protected:
    UpdatePlan PlanAndApply(const Tree& base, const Tree& next) {
        auto plan = PlanUpdate(base, next, dir_.path());
        EXPECT_TRUE(plan.ok()) << plan.error().message;
        if (!plan.ok()) return {};
        auto applied = ApplyUpdate(*plan, dir_.path());
        EXPECT_TRUE(applied.ok()) << applied.error().message;
        return std::move(*plan);
    }
    void User(const std::string& path, const std::string& content) { WriteText(dir_.path() / path, content); }
    std::string Now(const std::string& path) { return Read(dir_.path() / path); }
    bool Exists(const std::string& path) { return fs::exists(fs::symlink_status(dir_.path() / path)); }

    TempDir dir_;
};

TEST_F(UpdateDecisions, FileYouDidNotEditTakesTheNewVersion) {
    User("a.txt", "old\n");
    const auto plan = PlanAndApply(MakeTree({{"a.txt", "old\n"}}), MakeTree({{"a.txt", "new\n"}}));
    ASSERT_NE(Find(plan, "a.txt"), nullptr);
    EXPECT_EQ(Find(plan, "a.txt")->action, Action::kUpdate);
    EXPECT_EQ(Now("a.txt"), "new\n");
    EXPECT_EQ(plan.Conflicts(), 0u);
}

TEST_F(UpdateDecisions, YourEditStaysWhenTheGeneratorDidNotChangeTheFile) {
    User("a.txt", "mine\n");
    const auto plan = PlanAndApply(MakeTree({{"a.txt", "old\n"}}), MakeTree({{"a.txt", "old\n"}}));
    EXPECT_EQ(Find(plan, "a.txt")->action, Action::kKeep);
    EXPECT_EQ(Now("a.txt"), "mine\n");
}

TEST_F(UpdateDecisions, BothChangedInDifferentPlacesMerge) {
    const std::string base = "# Title\n\nintro\n\n## Resources\n- Patient\n";
    User("README.md", "# Title\n\nour intro\n\n## Resources\n- Patient\n");
    const auto plan = PlanAndApply(MakeTree({{"README.md", base}}), MakeTree({{"README.md", base + "- Doctor\n"}}));
    EXPECT_EQ(Find(plan, "README.md")->action, Action::kMerge);
    EXPECT_EQ(Now("README.md"), "# Title\n\nour intro\n\n## Resources\n- Patient\n- Doctor\n");
    EXPECT_EQ(plan.Conflicts(), 0u);
}

TEST_F(UpdateDecisions, InsertionsAtTheSamePlaceConflict) {
    const std::string base = "- Patient\n";
    User("README.md", base + "our line\n");
    const auto plan = PlanAndApply(MakeTree({{"README.md", base}}), MakeTree({{"README.md", base + "- Doctor\n"}}));
    EXPECT_EQ(Find(plan, "README.md")->action, Action::kConflict);
    EXPECT_EQ(Now("README.md"), "- Patient\n<<<<<<< yours\nour line\n=======\n- Doctor\n>>>>>>> generated\n");
}

TEST_F(UpdateDecisions, BothChangedTheSameLinesIsAConflictWithMarkers) {
    User("a.txt", "1\nmine\n3\n");
    const auto plan = PlanAndApply(MakeTree({{"a.txt", "1\n2\n3\n"}}), MakeTree({{"a.txt", "1\ntheirs\n3\n"}}));
    EXPECT_EQ(Find(plan, "a.txt")->action, Action::kConflict);
    EXPECT_TRUE(IsConflict(Find(plan, "a.txt")->action));
    EXPECT_EQ(Now("a.txt"), "1\n<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> generated\n3\n");
    EXPECT_EQ(plan.Conflicts(), 1u);
}

TEST_F(UpdateDecisions, TheSameChangeOnBothSidesIsNothingToDo) {
    User("a.txt", "new\n");
    const auto plan = PlanAndApply(MakeTree({{"a.txt", "old\n"}}), MakeTree({{"a.txt", "new\n"}}));
    EXPECT_EQ(Find(plan, "a.txt")->action, Action::kUnchanged);
}

TEST_F(UpdateDecisions, NewFileIsAdded) {
    const auto plan = PlanAndApply(MakeTree({}), MakeTree({{"src/doctor.js", "export {};\n"}}));
    EXPECT_EQ(Find(plan, "src/doctor.js")->action, Action::kAdd);
    EXPECT_EQ(Now("src/doctor.js"), "export {};\n");
}

TEST_F(UpdateDecisions, NewFileWhereYouHaveADifferentOneKeepsYoursAndWritesTheGeneratedBeside) {
    User("src/doctor.js", "// mine\n");
    const auto plan = PlanAndApply(MakeTree({}), MakeTree({{"src/doctor.js", "export {};\n"}}));
    const Change* c = Find(plan, "src/doctor.js");
    EXPECT_EQ(c->action, Action::kConflictBeside);
    EXPECT_NE(c->detail.find("src/doctor.js.dihya-new"), std::string::npos) << c->detail;
    EXPECT_EQ(Now("src/doctor.js"), "// mine\n");
    EXPECT_EQ(Now("src/doctor.js.dihya-new"), "export {};\n");
    EXPECT_EQ(plan.Conflicts(), 1u);
}

TEST_F(UpdateDecisions, NewFileYouAlreadyHaveIdenticalIsNothingToDo) {
    User("x.txt", "same\n");
    const auto plan = PlanAndApply(MakeTree({}), MakeTree({{"x.txt", "same\n"}}));
    EXPECT_EQ(Find(plan, "x.txt")->action, Action::kUnchanged);
    EXPECT_FALSE(Exists("x.txt.dihya-new"));
}

TEST_F(UpdateDecisions, FileNoLongerGeneratedIsDeletedWhenYouDidNotEditIt) {
    User("old/gone.js", "g\n");
    User("keep/gone.js", "g\n");
    User("keep/yours.txt", "y\n");
    const auto plan =
        PlanAndApply(MakeTree({{"old/gone.js", "g\n"}, {"keep/gone.js", "g\n"}}), MakeTree({{"other.txt", "o\n"}}));
    EXPECT_EQ(Find(plan, "old/gone.js")->action, Action::kDelete);
    EXPECT_EQ(Find(plan, "keep/gone.js")->action, Action::kDelete);
    EXPECT_FALSE(Exists("old/gone.js"));
    EXPECT_FALSE(Exists("old")) << "a folder left empty goes too";
    EXPECT_FALSE(Exists("keep/gone.js"));
    EXPECT_EQ(Now("keep/yours.txt"), "y\n") << "a folder with your files stays";
}

TEST_F(UpdateDecisions, FileNoLongerGeneratedIsKeptWhenYouEditedIt) {
    User("gone.js", "g\n// mine\n");
    const auto plan = PlanAndApply(MakeTree({{"gone.js", "g\n"}}), MakeTree({}));
    EXPECT_EQ(Find(plan, "gone.js")->action, Action::kKeepObsolete);
    EXPECT_EQ(Now("gone.js"), "g\n// mine\n");
    EXPECT_EQ(plan.Conflicts(), 0u);
}

TEST_F(UpdateDecisions, FilesYouAddedAreNeverLookedAt) {
    const std::string bytes("\x89PNG\r\n\x1a\n\0\x01", 10);
    User("notes/mine.bin", bytes);
    User("a.txt", "old\n");
    const auto before = fs::last_write_time(dir_.path() / "notes/mine.bin");
    const auto plan = PlanAndApply(MakeTree({{"a.txt", "old\n"}}), MakeTree({{"a.txt", "new\n"}}));
    EXPECT_EQ(Find(plan, "notes/mine.bin"), nullptr);
    EXPECT_EQ(Now("notes/mine.bin"), bytes);
    EXPECT_EQ(fs::last_write_time(dir_.path() / "notes/mine.bin"), before);
}

TEST_F(UpdateDecisions, FileYouDeletedStaysDeletedUnlessTheGeneratorChangedIt) {
    auto plan =
        PlanAndApply(MakeTree({{"a.txt", "a\n"}, {"b.txt", "b\n"}}), MakeTree({{"a.txt", "a\n"}, {"b.txt", "b2\n"}}));
    EXPECT_EQ(Find(plan, "a.txt")->action, Action::kKeepDeleted);
    EXPECT_FALSE(Exists("a.txt"));
    EXPECT_EQ(Find(plan, "b.txt")->action, Action::kConflictBeside);
    EXPECT_FALSE(Exists("b.txt"));
    EXPECT_EQ(Now("b.txt.dihya-new"), "b2\n");
}

TEST_F(UpdateDecisions, BinaryOrNonUtf8ChangedOnBothSidesIsNotMerged) {
    const std::string base("\x89PNG\0base", 9);
    const std::string yours("\x89PNG\0mine", 9);
    const std::string next("\x89PNG\0next", 9);
    User("logo.png", yours);
    User("latin1.txt", "caf\xe9 mine\n");
    auto plan = PlanAndApply(MakeTree({{"latin1.txt", "caf\xe9\n"}, {"logo.png", base}}),
                             MakeTree({{"latin1.txt", "caf\xe9 new\n"}, {"logo.png", next}}));
    EXPECT_EQ(Find(plan, "logo.png")->action, Action::kConflictBeside);
    EXPECT_EQ(Now("logo.png"), yours);
    EXPECT_EQ(Now("logo.png.dihya-new"), next);
    EXPECT_EQ(Find(plan, "latin1.txt")->action, Action::kConflictBeside);
    EXPECT_EQ(Now("latin1.txt"), "caf\xe9 mine\n");
    EXPECT_EQ(plan.Conflicts(), 2u);
}

TEST_F(UpdateDecisions, BinaryYouDidNotEditIsReplaced) {
    const std::string base("\0old", 4);
    const std::string next("\0new", 4);
    User("logo.png", base);
    auto plan = PlanAndApply(MakeTree({{"logo.png", base}}), MakeTree({{"logo.png", next}}));
    EXPECT_EQ(Find(plan, "logo.png")->action, Action::kUpdate);
    EXPECT_EQ(Now("logo.png"), next);
}

TEST_F(UpdateDecisions, SymbolicLinksAreNeverFollowed) {
    TempDir elsewhere;
    WriteText(elsewhere.path() / "target.txt", "outside\n");
    WriteText(elsewhere.path() / "src/app.js", "outside\n");
    fs::create_symlink(elsewhere.path() / "target.txt", dir_.path() / "a.txt");
    fs::create_directory_symlink(elsewhere.path() / "src", dir_.path() / "src");
    auto plan = PlanAndApply(MakeTree({{"a.txt", "outside\n"}, {"src/app.js", "outside\n"}}),
                             MakeTree({{"a.txt", "new\n"}, {"src/app.js", "new\n"}, {"src/new.js", "n\n"}}));
    EXPECT_EQ(Find(plan, "a.txt")->action, Action::kBlocked);
    EXPECT_EQ(Find(plan, "src/app.js")->action, Action::kBlocked);
    EXPECT_EQ(Find(plan, "src/new.js")->action, Action::kBlocked);
    EXPECT_EQ(Read(elsewhere.path() / "target.txt"), "outside\n");
    EXPECT_EQ(Read(elsewhere.path() / "src/app.js"), "outside\n");
    EXPECT_FALSE(fs::exists(elsewhere.path() / "src/new.js"));
    EXPECT_TRUE(fs::is_symlink(dir_.path() / "a.txt"));
    EXPECT_EQ(plan.Conflicts(), 3u);
}

TEST_F(UpdateDecisions, LinkWhereTheGeneratedVersionWouldGoBesideIsNotWrittenThrough) {
    TempDir elsewhere;
    User("doctor.js", "// mine\n");
    fs::create_symlink(elsewhere.path() / "x", dir_.path() / "doctor.js.dihya-new");
    auto plan = PlanAndApply(MakeTree({}), MakeTree({{"doctor.js", "gen\n"}}));
    EXPECT_EQ(Find(plan, "doctor.js")->action, Action::kConflictBeside);
    EXPECT_FALSE(Find(plan, "doctor.js")->write.has_value());
    EXPECT_FALSE(fs::exists(elsewhere.path() / "x"));
}

TEST_F(UpdateDecisions, AnswersAreRewrittenWithTheNewOnes) {
    User(".dihya/answers.json", "{\"v\":1}\n");
    PlanAndApply(MakeTree({}), MakeTree({}, "{\"v\":2}\n"));
    EXPECT_EQ(Now(".dihya/answers.json"), "{\"v\":2}\n");
}

/// The whole service: a small pack, a project generated and edited, then updated with a new entity.
class UpdateProjectTest : public ::testing::Test {
protected:
    void SetUp() override {
        generator::test_support::WritePack(
            packs_.path(), "api", R"(name: api
version: 1.0.0
kind: stack
provides: {backend: express}
root: api
files:
  - {template: README.md.mustache, path: README.md}
  - {template: entity.js.mustache, path: 'src/{{entity.names.kebab}}.js', each: entities}
  - {template: logo.bin, path: logo.bin, raw: true}
)",
            {{"README.md.mustache", "# {{{title}}}\n\n{{#entities}}- {{name}}\n{{/entities}}\n\nFooter.\n"},
             {"entity.js.mustache", "export const name = '{{entity.name}}';\n"},
             {"logo.bin", std::string("\0\1\2", 3)}});
        auto packs = generator::LoadPacks(packs_.path());
        ASSERT_TRUE(packs.ok()) << packs.error().message;
        engine_ = std::make_unique<generator::Engine>(std::move(*packs));
    }

    model::ProjectModel Model(const std::string& entities) {
        return generator::test_support::Model("name: clinic\ntitle: Clinic\nentities:\n" + entities +
                                              "stacks: {frontend: none, backend: express, devops: none}\n");
    }

    void Generate(const model::ProjectModel& m) {
        auto tree = engine_->Render(m);
        ASSERT_TRUE(tree.ok()) << tree.error().message;
        ASSERT_TRUE(generator::WriteDirectory(*tree, dir_.path()).ok());
    }

    static constexpr const char* kPatient = "  - {name: Patient, fields: [{name: full_name, type: string}]}\n";
    static constexpr const char* kDoctor = "  - {name: Doctor, fields: [{name: label, type: string}]}\n";

    TempDir packs_;
    TempDir dir_;
    std::unique_ptr<generator::Engine> engine_;
};

TEST_F(UpdateProjectTest, NewEntityArrivesAndYourEditsStay) {
    Generate(Model(kPatient));
    WriteText(dir_.path() / "api/README.md", "# Clinic\n\n- Patient\n\nOur footer.\n");
    WriteText(dir_.path() / "api/src/mine.js", "// mine\n");
    auto answers = ReadAnswers(dir_.path(), generator::test_support::TestVocabulary());
    ASSERT_TRUE(answers.ok()) << answers.error().message;
    ASSERT_EQ(answers->packs.size(), 1u);
    EXPECT_EQ(answers->packs[0].version, "1.0.0");

    auto report = UpdateProject(*engine_, dir_.path(), *answers, Model(std::string(kPatient) + kDoctor), false);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->pack_changes.empty());
    EXPECT_EQ(Find(report->plan, "api/README.md")->action, Action::kMerge);
    EXPECT_EQ(Find(report->plan, "api/src/doctor.js")->action, Action::kAdd);
    EXPECT_EQ(Find(report->plan, "api/src/patient.js")->action, Action::kUnchanged);
    EXPECT_EQ(Read(dir_.path() / "api/README.md"), "# Clinic\n\n- Patient\n- Doctor\n\nOur footer.\n");
    EXPECT_EQ(Read(dir_.path() / "api/src/doctor.js"), "export const name = 'Doctor';\n");
    EXPECT_EQ(Read(dir_.path() / "api/src/mine.js"), "// mine\n");
    auto again = ReadAnswers(dir_.path(), generator::test_support::TestVocabulary());
    ASSERT_TRUE(again.ok());
    ASSERT_EQ(again->model.entities.size(), 2u);
    EXPECT_EQ(again->model.entities[1].name, "Doctor");
}

TEST_F(UpdateProjectTest, DryRunWritesNothing) {
    Generate(Model(kPatient));
    const std::string answers_before = Read(dir_.path() / ".dihya/answers.json");
    auto answers = ReadAnswers(dir_.path(), generator::test_support::TestVocabulary());
    ASSERT_TRUE(answers.ok());
    auto report = UpdateProject(*engine_, dir_.path(), *answers, Model(std::string(kPatient) + kDoctor), true);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(Find(report->plan, "api/src/doctor.js")->action, Action::kAdd);
    EXPECT_FALSE(fs::exists(dir_.path() / "api/src/doctor.js"));
    EXPECT_EQ(Read(dir_.path() / ".dihya/answers.json"), answers_before);
    EXPECT_EQ(Read(dir_.path() / "api/README.md"), "# Clinic\n\n- Patient\n\nFooter.\n");
}

TEST_F(UpdateProjectTest, OtherRecordedPackVersionsAreReported) {
    Generate(Model(kPatient));
    auto answers = ReadAnswers(dir_.path(), generator::test_support::TestVocabulary());
    ASSERT_TRUE(answers.ok());
    answers->packs = {{"api", "0.9.0"}, {"gone", "2.0.0"}};
    auto report = UpdateProject(*engine_, dir_.path(), *answers, answers->model, true);
    ASSERT_TRUE(report.ok()) << report.error().message;
    ASSERT_EQ(report->pack_changes.size(), 2u);
    EXPECT_EQ(report->pack_changes[0].name, "api");
    EXPECT_EQ(report->pack_changes[0].recorded, "0.9.0");
    EXPECT_EQ(report->pack_changes[0].installed, "1.0.0");
    EXPECT_EQ(report->pack_changes[1].installed, "");
}

TEST_F(UpdateProjectTest, AnswersMustExistAndHoldAModel) {
    const auto vocabulary = generator::test_support::TestVocabulary();
    auto none = ReadAnswers(dir_.path(), vocabulary);
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
    WriteText(dir_.path() / ".dihya/answers.json", "{not json");
    auto bad = ReadAnswers(dir_.path(), vocabulary);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(bad.error().message.find("answers.json"), std::string::npos) << bad.error().message;
    WriteText(dir_.path() / ".dihya/answers.json", R"({"model": {"title": "X", "entities": [{"name": "A",
        "fields": [{"name": "n", "type": "integr"}]}]}})");
    auto invalid = ReadAnswers(dir_.path(), vocabulary);
    ASSERT_FALSE(invalid.ok());
    EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidArgument);
    fs::remove(dir_.path() / ".dihya/answers.json");
    TempDir elsewhere;
    Generate(Model(kPatient));
    fs::rename(dir_.path() / ".dihya/answers.json", elsewhere.path() / "answers.json");
    fs::create_symlink(elsewhere.path() / "answers.json", dir_.path() / ".dihya/answers.json");
    auto link = ReadAnswers(dir_.path(), vocabulary);
    ASSERT_FALSE(link.ok());
    EXPECT_EQ(link.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace dihya::update
