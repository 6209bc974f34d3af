#include "projects/service.hpp"

#include <algorithm>
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "auth/test_support.hpp"
#include "catalog/catalog.hpp"
#include "core/config.hpp"
#include "core/crypto.hpp"
#include "generator/pack.hpp"
#include "projects/handlers.hpp"

namespace dihya::projects {
namespace {

namespace json = boost::json;
using auth::Principal;
using auth::Role;

/// Packs, catalog and lexicons are read-only: load them once for every test.
struct Shared {
    std::unique_ptr<generator::Engine> engine;
    std::unique_ptr<analyze::RuleAnalyzer> analyzer;
    model::Vocabulary vocabulary;
};

const Shared& Common() {
    static const Shared shared = [] {
        Shared s;
        auto packs = generator::LoadPacks(std::string(dihya::SourceDir()) + "/packs");
        if (!packs) throw std::runtime_error(packs.error().message);
        s.engine = std::make_unique<generator::Engine>(std::move(*packs));
        auto analyzer = analyze::RuleAnalyzer::Create();
        if (!analyzer) throw std::runtime_error(analyzer.error().message);
        s.analyzer = std::move(*analyzer);
        auto cat = catalog::BuiltinCatalog();
        if (!cat) throw std::runtime_error(cat.error().message);
        s.vocabulary = catalog::ToVocabulary(*cat);
        return s;
    }();
    return shared;
}

/// A small model with the stacks that have packs here (express only).
json::value ClinicModel() {
    return json::parse(R"({
        "title": "Clinic Booking",
        "description": "Appointments for a small clinic",
        "entities": [
            {"name": "Patient", "fields": [
                {"name": "full_name", "type": "string", "required": true},
                {"name": "email", "type": "email", "unique": true}]},
            {"name": "Appointment", "fields": [
                {"name": "starts_at", "type": "datetime", "required": true},
                {"name": "status", "type": "enum", "values": ["booked", "done", "cancelled"]},
                {"name": "patient", "type": "ref", "ref": "Patient"}]}
        ],
        "stacks": {"frontend": "none", "devops": []}
    })");
}

constexpr std::string_view kFrenchText =
    "Application pour une clinique : gestion des patients, des médecins et des rendez-vous, avec connexion pour les "
    "médecins et les administrateurs. Interface en français et en arabe.";

ProjectInput FromModel(json::value m = ClinicModel()) {
    ProjectInput in;
    in.spec.model = std::move(m);
    return in;
}

ProjectInput FromText(std::string_view text) {
    ProjectInput in;
    in.spec.text = std::string(text);
    return in;
}

class RecordingAudit final : public AuditSink {
public:
    Result<void> Record(storage::Session&, const AuditEvent& e) override {
        actions.push_back(e.action);
        return Ok();
    }
    std::vector<std::string> actions;
};

class ProjectsTest : public auth::testing::AuthFixture {
protected:
    void SetUp() override {
        AuthFixture::SetUp();
        queue_ = std::make_unique<jobs::Queue>(*db_, clock_, log_);
        Build({});
        alice_ = Principal{MustCreate("alice@example.org").id, Role::kUser};
        bob_ = Principal{MustCreate("bob@example.org").id, Role::kUser};
        admin_ = Principal{MustCreate("admin@example.org", Role::kAdmin).id, Role::kAdmin};
    }

    void Build(ProjectsLimits limits) {
        projects_.reset();
        ProjectsDeps deps{*db_,   *queue_, *Common().engine, *Common().analyzer, Common().vocabulary, audit_,
                          clock_, log_};
        deps.people.find_by_email = [this](std::string_view email) -> Result<std::optional<Member>> {
            auto user = service_->FindByEmail(email);
            if (!user) return user.take_error();
            if (!*user) return std::optional<Member>();
            return std::optional<Member>(Member{(*user)->id, "", "", "", ""});
        };
        projects_ = std::make_unique<ProjectsService>(deps, limits);
    }

    Project MustCreateProject(const Principal& who, ProjectInput in = FromModel()) {
        auto p = projects_->Create(who, in, std::nullopt, ctx_);
        EXPECT_TRUE(p.ok()) << p.error().message;
        return p ? p->project : Project{};
    }

    jobs::Job MustGenerate(const Principal& who, const std::string& project_id) {
        auto job = projects_->StartGeneration(who, project_id, ctx_);
        EXPECT_TRUE(job.ok()) << job.error().message;
        EXPECT_EQ(*queue_->RunPending(), 1);
        auto done = projects_->GetGeneration(who, project_id, job ? job->id : "");
        EXPECT_TRUE(done.ok());
        return done ? *done : jobs::Job{};
    }

    std::int64_t Count(const std::string& sql) {
        auto r = db_->Query(sql);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r ? r->GetInt(0, "n").value_or(-1) : -1;
    }

    RecordingAudit audit_;
    std::unique_ptr<jobs::Queue> queue_;
    std::unique_ptr<ProjectsService> projects_;
    Principal alice_, bob_, admin_;
};

TEST_F(ProjectsTest, CreatesFromAModelAndFromFrenchText) {
    const Project p = MustCreateProject(alice_);
    EXPECT_EQ(p.name, "clinic-booking");
    EXPECT_EQ(p.title, "Clinic Booking");
    EXPECT_EQ(p.description, "Appointments for a small clinic");
    EXPECT_EQ(p.owner_id, alice_.user_id);
    EXPECT_EQ(p.version, 1);
    EXPECT_EQ(p.entity_count, 2u);
    EXPECT_FALSE(p.source_text);
    EXPECT_TRUE(p.assumptions.empty());
    EXPECT_EQ(p.spec.at("name").as_string(), "clinic-booking") << "the specification is normalised";
    EXPECT_EQ(p.spec.at("stacks").at("backend").as_string(), "express");
    EXPECT_EQ(audit_.actions, std::vector<std::string>{"project.created"});

    const Project t = MustCreateProject(alice_, FromText(kFrenchText));
    ASSERT_TRUE(t.source_text);
    EXPECT_EQ(*t.source_text, kFrenchText);
    EXPECT_FALSE(t.assumptions.empty()) << "free text: what was assumed is kept";
    EXPECT_GE(t.entity_count, 2u);
    std::set<std::string> entities;
    for (const auto& e : t.spec.at("entities").as_array()) entities.insert(std::string(e.at("name").as_string()));
    EXPECT_TRUE(entities.contains("Patient")) << json::serialize(t.spec);

    ProjectInput renamed = FromModel();
    renamed.name = "my-clinic";
    renamed.title = "My Clinic";
    const Project r = MustCreateProject(alice_, renamed);
    EXPECT_EQ(r.name, "my-clinic");
    EXPECT_EQ(r.title, "My Clinic");

    auto got = projects_->Get(alice_, p.id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(json::serialize(got->spec), json::serialize(p.spec));
}

TEST_F(ProjectsTest, BadSpecificationsNameTheirField) {
    ProjectInput none;
    auto missing = projects_->Create(alice_, none, std::nullopt, ctx_);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(missing.error().details.contains("model"));

    json::value bad = ClinicModel();
    bad.as_object()["entities"].as_array()[0].as_object()["fields"].as_array()[0].as_object()["type"] = "colour";
    auto typed = projects_->Create(alice_, FromModel(bad), std::nullopt, ctx_);
    ASSERT_FALSE(typed.ok());
    EXPECT_TRUE(typed.error().details.contains("entities[0].fields[0].type")) << typed.error().message;

    ProjectInput bad_name = FromModel();
    bad_name.name = "Not A Name!";
    auto named = projects_->Create(alice_, bad_name, std::nullopt, ctx_);
    ASSERT_FALSE(named.ok());
    EXPECT_TRUE(named.error().details.contains("name")) << named.error().message;
}

TEST_F(ProjectsTest, LimitsOfTheModelAndTheAccountNameThemselves) {
    json::value big = ClinicModel();
    json::array entities;
    for (std::size_t i = 0; i <= model::kMaxEntities; ++i) {
        entities.push_back(json::object{{"name", "Thing" + std::to_string(i)},
                                        {"fields", json::array{json::object{{"name", "label"}, {"type", "string"}}}}});
    }
    big.as_object()["entities"] = entities;
    auto too_many = projects_->Create(alice_, FromModel(big), std::nullopt, ctx_);
    ASSERT_FALSE(too_many.ok());
    EXPECT_EQ(too_many.error().code, ErrorCode::kInvalidArgument);
    ASSERT_TRUE(too_many.error().details.contains("entities")) << too_many.error().message;
    EXPECT_NE(too_many.error().details.at("entities").find(std::to_string(model::kMaxEntities)), std::string::npos);

    json::value wide = ClinicModel();
    json::array fields;
    for (std::size_t i = 0; i <= model::kMaxFieldsPerEntity; ++i) {
        fields.push_back(json::object{{"name", "field_" + std::to_string(i)}, {"type", "string"}});
    }
    wide.as_object()["entities"].as_array()[0].as_object()["fields"] = fields;
    auto too_wide = projects_->Create(alice_, FromModel(wide), std::nullopt, ctx_);
    ASSERT_FALSE(too_wide.ok());
    EXPECT_TRUE(too_wide.error().details.contains("entities[0].fields")) << too_wide.error().message;

    auto long_text =
        projects_->Create(alice_, FromText(std::string(analyze::kMaxTextLength + 1, 'a')), std::nullopt, ctx_);
    ASSERT_FALSE(long_text.ok());
    EXPECT_TRUE(long_text.error().details.contains("text"));

    Build({.max_projects_per_user = 2, .max_spec_bytes = 4096});
    MustCreateProject(alice_);
    MustCreateProject(alice_);
    auto third = projects_->Create(alice_, FromModel(), std::nullopt, ctx_);
    ASSERT_FALSE(third.ok());
    EXPECT_EQ(third.error().code, ErrorCode::kConflict);
    EXPECT_TRUE(third.error().details.contains("projects"));
    EXPECT_TRUE(projects_->Create(bob_, FromModel(), std::nullopt, ctx_).ok()) << "the limit is per account";

    json::value heavy = ClinicModel();
    heavy.as_object()["description"] = std::string(5000, 'x');
    auto bulky = projects_->Create(bob_, FromModel(heavy), std::nullopt, ctx_);
    ASSERT_FALSE(bulky.ok());
    EXPECT_TRUE(bulky.error().details.contains("model")) << bulky.error().message;
    EXPECT_NE(bulky.error().message.find("4096"), std::string::npos);
}

TEST_F(ProjectsTest, ListsNewestFirstWithACursor) {
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ProjectInput in = FromModel();
        in.title = "Project " + std::to_string(i) + (i == 3 ? " Special_%" : "");
        ids.push_back(MustCreateProject(alice_, in).id);
        clock_.Advance(std::chrono::seconds(1));
    }
    MustCreateProject(bob_);
    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
        auto page = projects_->List(alice_, {.cursor = cursor, .limit = 2});
        ASSERT_TRUE(page.ok()) << page.error().message;
        for (const auto& p : page->items) seen.push_back(p.id);
        cursor = page->next_cursor.value_or("");
        ++pages;
    } while (!cursor.empty() && pages < 10);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen, std::vector<std::string>(ids.rbegin(), ids.rend())) << "newest first, each once, only hers";

    auto found = projects_->List(alice_, {.q = "SPECIAL_%"});
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->items.size(), 1u);
    EXPECT_EQ(found->items[0].id, ids[3]);
    EXPECT_TRUE(projects_->List(alice_, {.q = "_%x"})->items.empty()) << "LIKE characters are literal";

    EXPECT_EQ(projects_->List(alice_, {.cursor = "not a cursor"}).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(projects_->List(bob_, {.owner = alice_.user_id}).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(projects_->List(admin_, {.owner = alice_.user_id})->items.size(), 5u);
    EXPECT_EQ(projects_->List(admin_, {.owner = "*"})->items.size(), 6u);
    EXPECT_TRUE(projects_->List(admin_, {})->items.empty()) << "an admin's own list is their own";
}

TEST_F(ProjectsTest, SharingGivesViewersReadingAndEditorsChangingButOnlyTheOwnerShares) {
    const Project p = MustCreateProject(alice_);
    const Principal carol{MustCreate("carol@example.org").id, Role::kUser};
    ASSERT_TRUE(projects_->Share(alice_, p.id, "bob@example.org", "viewer", ctx_));
    ASSERT_TRUE(projects_->Share(alice_, p.id, "Carol@Example.org ", "editor", ctx_)) << "emails are normalised";

    EXPECT_EQ(projects_->Get(bob_, p.id)->role, "viewer");
    const json::object patch{{"description", "changed"}};
    EXPECT_EQ(projects_->Patch(bob_, p.id, patch, std::nullopt, ctx_).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(projects_->StartGeneration(bob_, p.id, ctx_).error().code, ErrorCode::kPermissionDenied);
    auto changed = projects_->Patch(carol, p.id, patch, std::nullopt, ctx_);
    ASSERT_TRUE(changed) << changed.error().message;
    EXPECT_EQ(changed->role, "editor");
    EXPECT_EQ(projects_->Delete(carol, p.id, std::nullopt, ctx_).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(projects_->Share(carol, p.id, "bob@example.org", "editor", ctx_).error().code,
              ErrorCode::kPermissionDenied);

    auto members = projects_->Members(bob_, p.id);
    ASSERT_TRUE(members);
    ASSERT_EQ(members->size(), 3u);
    EXPECT_EQ((*members)[0].role, "owner");
    ProjectQuery shared;
    shared.shared = true;
    auto list = projects_->List(bob_, shared);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->items.size(), 1u);
    EXPECT_EQ(list->items[0].role, "viewer");

    EXPECT_EQ(projects_->Share(alice_, p.id, "bob@example.org", "owner", ctx_).error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(projects_->Share(alice_, p.id, "nobody@example.org", "viewer", ctx_).error().code, ErrorCode::kNotFound);
    ASSERT_TRUE(projects_->Unshare(bob_, p.id, bob_.user_id, ctx_)) << "a member leaves";
    EXPECT_EQ(projects_->Get(bob_, p.id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(std::count(audit_.actions.begin(), audit_.actions.end(), "project.shared"), 2);
    EXPECT_EQ(std::count(audit_.actions.begin(), audit_.actions.end(), "project.unshared"), 1);

    // Limits: a project is shared with at most max_members people.
    ProjectsLimits few;
    few.max_members = 1;
    Build(few);
    EXPECT_EQ(projects_->Share(alice_, p.id, "bob@example.org", "viewer", ctx_).error().code, ErrorCode::kConflict);
}

TEST_F(ProjectsTest, OnlyTheOwnerActsAndAdminsOnlyRead) {
    const Project p = MustCreateProject(alice_);
    const jobs::Job g = MustGenerate(alice_, p.id);
    const auto not_found = [](const auto& r) { return !r.ok() && r.error().code == ErrorCode::kNotFound; };
    EXPECT_TRUE(not_found(projects_->Get(bob_, p.id)));
    EXPECT_TRUE(not_found(projects_->Patch(bob_, p.id, json::object{{"title", "Mine"}}, std::nullopt, ctx_)));
    EXPECT_TRUE(not_found(projects_->Replace(bob_, p.id, FromModel(), std::nullopt, ctx_)));
    EXPECT_TRUE(not_found(projects_->Delete(bob_, p.id, std::nullopt, ctx_)));
    EXPECT_TRUE(not_found(projects_->StartGeneration(bob_, p.id, ctx_)));
    EXPECT_TRUE(not_found(projects_->GetGeneration(bob_, p.id, g.id)));
    EXPECT_TRUE(not_found(projects_->ListGenerations(bob_, p.id, "", 10)));
    EXPECT_TRUE(not_found(projects_->Files(bob_, p.id, g.id)));
    EXPECT_TRUE(not_found(projects_->File(bob_, p.id, g.id, "backend/package.json")));
    EXPECT_TRUE(not_found(projects_->Archive(bob_, p.id, g.id, generator::ArchiveFormat::kZip)));
    EXPECT_TRUE(not_found(projects_->DeleteGeneration(bob_, p.id, g.id, ctx_)));

    // A generation is only found under its own project.
    const Project other = MustCreateProject(bob_);
    EXPECT_TRUE(not_found(projects_->GetGeneration(bob_, other.id, g.id)));

    EXPECT_TRUE(projects_->Get(admin_, p.id).ok());
    EXPECT_TRUE(projects_->Archive(admin_, p.id, g.id, generator::ArchiveFormat::kZip).ok());
    auto admin_patch = projects_->Patch(admin_, p.id, json::object{{"title", "Admin's"}}, std::nullopt, ctx_);
    ASSERT_FALSE(admin_patch.ok());
    EXPECT_EQ(admin_patch.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(projects_->StartGeneration(admin_, p.id, ctx_).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(projects_->Delete(admin_, p.id, std::nullopt, ctx_).error().code, ErrorCode::kPermissionDenied);

    EXPECT_EQ(projects_->Get(Principal::Guest(), p.id).error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(projects_->Create(Principal::Guest(), FromModel(), std::nullopt, ctx_).error().code,
              ErrorCode::kUnauthenticated);
    const Principal guest_role{MustCreate("guest@example.org", Role::kGuest).id, Role::kGuest};
    EXPECT_EQ(projects_->Create(guest_role, FromModel(), std::nullopt, ctx_).error().code,
              ErrorCode::kPermissionDenied);

    Principal key = alice_;
    key.api_key_id = "key-1";
    key.scopes = {"projects:read"};
    EXPECT_TRUE(projects_->Get(key, p.id).ok());
    EXPECT_EQ(projects_->Patch(key, p.id, json::object{{"title", "X"}}, std::nullopt, ctx_).error().code,
              ErrorCode::kPermissionDenied)
        << "an API key acts within its scopes";
}

TEST_F(ProjectsTest, VersionsPreconditionsAndMergePatch) {
    const Project p = MustCreateProject(alice_);
    auto v2 = projects_->Patch(alice_, p.id, json::object{{"spec", {{"stacks", {{"backend", "flask"}}}}}}, 1, ctx_);
    ASSERT_TRUE(v2.ok()) << v2.error().message;
    EXPECT_EQ(v2->version, 2);
    EXPECT_EQ(v2->spec.at("stacks").at("backend").as_string(), "flask");
    EXPECT_EQ(v2->spec.at("stacks").at("frontend").as_string(), "none") << "merged, not replaced";
    EXPECT_EQ(v2->entity_count, 2u);

    auto stale = projects_->Patch(alice_, p.id, json::object{{"title", "Late"}}, 1, ctx_);
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.error().code, ErrorCode::kPreconditionFailed);
    EXPECT_TRUE(stale.error().details.contains("If-Match"));
    EXPECT_EQ(projects_->Patch(alice_, p.id, json::object{{"title", "Never"}}, 0, ctx_).error().code,
              ErrorCode::kPreconditionFailed)
        << "an If-Match that names none of our versions fails";

    auto same = projects_->Patch(alice_, p.id, json::object{{"title", "Clinic Booking"}}, std::nullopt, ctx_);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->version, 2) << "a patch that changes nothing keeps the version";

    auto v3 = projects_->Patch(alice_, p.id, json::object{{"title", "Dental Care"}, {"description", nullptr}}, 2, ctx_);
    ASSERT_TRUE(v3.ok()) << v3.error().message;
    EXPECT_EQ(v3->version, 3);
    EXPECT_EQ(v3->title, "Dental Care");
    EXPECT_EQ(v3->description, "");
    EXPECT_EQ(v3->name, "clinic-booking") << "the name stays unless asked";
    auto v4 = projects_->Patch(alice_, p.id, json::object{{"name", nullptr}}, std::nullopt, ctx_);
    ASSERT_TRUE(v4.ok());
    EXPECT_EQ(v4->name, "dental-care") << "null derives the name from the title";

    auto unknown = projects_->Patch(alice_, p.id, json::object{{"colour", "red"}, {"title", 7}}, std::nullopt, ctx_);
    ASSERT_FALSE(unknown.ok());
    EXPECT_TRUE(unknown.error().details.contains("colour"));
    EXPECT_TRUE(unknown.error().details.contains("title"));
    auto invalid = projects_->Patch(alice_, p.id, json::object{{"spec", {{"entities", json::array{}}}}, {"text", "x"}},
                                    std::nullopt, ctx_);
    EXPECT_TRUE(invalid.error().details.contains("text"));
    auto bad_result = projects_->Patch(alice_, p.id, json::object{{"spec", {{"stacks", {{"backend", "cobol"}}}}}},
                                       std::nullopt, ctx_);
    ASSERT_FALSE(bad_result.ok());
    EXPECT_TRUE(bad_result.error().details.contains("stacks.backend")) << bad_result.error().message;
    EXPECT_EQ(projects_->Get(alice_, p.id)->version, 4) << "a refused patch changes nothing";

    auto from_text = projects_->Patch(alice_, p.id, json::object{{"text", std::string(kFrenchText)}}, 4, ctx_);
    ASSERT_TRUE(from_text.ok()) << from_text.error().message;
    EXPECT_EQ(from_text->version, 5);
    EXPECT_TRUE(from_text->source_text);
    EXPECT_FALSE(from_text->assumptions.empty());

    auto replaced = projects_->Replace(alice_, p.id, FromModel(), 5, ctx_);
    ASSERT_TRUE(replaced.ok()) << replaced.error().message;
    EXPECT_EQ(replaced->version, 6);
    EXPECT_FALSE(replaced->source_text) << "a model replaces the text it came from";
    EXPECT_EQ(projects_->Replace(alice_, p.id, FromModel(), 5, ctx_).error().code, ErrorCode::kPreconditionFailed);

    EXPECT_EQ(projects_->Delete(alice_, p.id, 5, ctx_).error().code, ErrorCode::kPreconditionFailed);
    ASSERT_TRUE(projects_->Delete(alice_, p.id, 6, ctx_).ok());
    EXPECT_EQ(projects_->Get(alice_, p.id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(audit_.actions.back(), "project.deleted");
}

TEST_F(ProjectsTest, IdempotencyKeyReplaysTheSameRequestOnly) {
    const IdempotencyKey key{"order-42", "hash-a"};
    auto first = projects_->Create(alice_, FromModel(), key, ctx_);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_FALSE(first->replayed);
    auto again = projects_->Create(alice_, FromModel(), key, ctx_);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->replayed);
    EXPECT_EQ(again->project.id, first->project.id);
    EXPECT_EQ(projects_->List(alice_, {})->items.size(), 1u);

    auto other_body = projects_->Create(alice_, FromModel(), IdempotencyKey{"order-42", "hash-b"}, ctx_);
    ASSERT_FALSE(other_body.ok());
    EXPECT_EQ(other_body.error().code, ErrorCode::kConflict);
    EXPECT_TRUE(other_body.error().details.contains("Idempotency-Key"));

    auto bobs = projects_->Create(bob_, FromModel(), key, ctx_);
    ASSERT_TRUE(bobs.ok());
    EXPECT_FALSE(bobs->replayed) << "keys are per account";
    EXPECT_NE(bobs->project.id, first->project.id);

    clock_.Advance(std::chrono::hours(25));
    auto later = projects_->Create(alice_, FromModel(), key, ctx_);
    ASSERT_TRUE(later.ok());
    EXPECT_FALSE(later->replayed) << "keys are remembered for a day";
    EXPECT_NE(later->project.id, first->project.id);

    EXPECT_EQ(projects_->Create(alice_, FromModel(), IdempotencyKey{"", "h"}, ctx_).error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(projects_->Create(alice_, FromModel(), IdempotencyKey{std::string(256, 'k'), "h"}, ctx_).error().code,
              ErrorCode::kInvalidArgument);
}

TEST_F(ProjectsTest, GenerationRunsWithProgressAndServesItsFiles) {
    const Project p = MustCreateProject(alice_);
    auto queued = projects_->StartGeneration(alice_, p.id, ctx_);
    ASSERT_TRUE(queued.ok()) << queued.error().message;
    EXPECT_EQ(queued->status, "queued");
    EXPECT_EQ(projects_->Files(alice_, p.id, queued->id).error().code, ErrorCode::kConflict) << "not yet";
    EXPECT_EQ(projects_->Archive(alice_, p.id, queued->id, generator::ArchiveFormat::kZip).error().code,
              ErrorCode::kConflict);
    ASSERT_EQ(*queue_->RunPending(), 1);

    auto g = projects_->GetGeneration(alice_, p.id, queued->id);
    ASSERT_TRUE(g.ok());
    ASSERT_EQ(g->status, "succeeded") << g->error;
    EXPECT_EQ(g->step, "storing");
    EXPECT_GT(g->total, 0);
    EXPECT_EQ(g->done, g->total);
    EXPECT_EQ(g->result.at("project_version").as_int64(), 1);
    EXPECT_EQ(g->result.at("files").as_int64(), g->total);

    auto log = projects_->GenerationLog(alice_, p.id, g->id, 0, 100);
    ASSERT_TRUE(log.ok());
    ASSERT_GE(log->size(), 4u);
    std::string text;
    for (const auto& e : *log) {
        EXPECT_FALSE(e.at.empty());
        text += e.message + "\n";
    }
    EXPECT_NE(text.find("rendered"), std::string::npos) << text;
    EXPECT_NE(text.find("express"), std::string::npos) << "the log names the packs: " << text;

    auto files = projects_->Files(alice_, p.id, g->id);
    ASSERT_TRUE(files.ok());
    EXPECT_EQ(static_cast<std::int64_t>(files->size()), g->total);
    EXPECT_TRUE(std::is_sorted(files->begin(), files->end(),
                               [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; }));
    auto pkg = projects_->File(alice_, p.id, g->id, "backend/package.json");
    ASSERT_TRUE(pkg.ok()) << pkg.error().message;
    ASSERT_TRUE(pkg->content);
    EXPECT_EQ(crypto::Sha256Hex(*pkg->content), pkg->sha256);
    EXPECT_EQ(static_cast<std::int64_t>(pkg->content->size()), pkg->size);
    EXPECT_NO_THROW((void)json::parse(*pkg->content));
    EXPECT_EQ(projects_->File(alice_, p.id, g->id, "backend/../package.json").error().code, ErrorCode::kNotFound);

    // Downloads rebuild the very archive recorded, which is the one the engine makes of the same model.
    auto model = model::ParseModelValue(ClinicModel(), "model", Common().vocabulary);
    ASSERT_TRUE(model.ok());
    auto tree = Common().engine->Render(*model);
    ASSERT_TRUE(tree.ok());
    for (const auto format : {generator::ArchiveFormat::kZip, generator::ArchiveFormat::kTarGz}) {
        auto dl = projects_->Archive(alice_, p.id, g->id, format);
        ASSERT_TRUE(dl.ok()) << dl.error().message;
        const std::string label = format == generator::ArchiveFormat::kZip ? "zip" : "tar.gz";
        EXPECT_EQ(dl->sha256, g->result.at("archives").at(label).at("sha256").as_string());
        EXPECT_EQ(static_cast<std::int64_t>(dl->bytes.size()),
                  g->result.at("archives").at(label).at("size").as_int64());
        EXPECT_EQ(dl->file_name, "clinic-booking." + label);
        EXPECT_EQ(dl->sha256, generator::WriteArchive(*tree, format, {"clinic-booking"})->sha256);
    }

    // A tampered file no longer rebuilds the recorded archive: the download refuses rather than serve it.
    ASSERT_TRUE(db_->Execute("UPDATE generation_files SET executable = 1 WHERE path = 'backend/package.json'").ok());
    EXPECT_EQ(projects_->Archive(alice_, p.id, g->id, generator::ArchiveFormat::kZip).error().code,
              ErrorCode::kInternal);

    Build({.max_preview_bytes = 10});
    auto big = projects_->File(alice_, p.id, g->id, "backend/package.json");
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().code, ErrorCode::kPayloadTooLarge);
    EXPECT_NE(big.error().message.find("10 bytes"), std::string::npos);
}

TEST_F(ProjectsTest, AGenerationRendersTheVersionItWasAskedFor) {
    const Project p = MustCreateProject(alice_);
    auto queued = projects_->StartGeneration(alice_, p.id, ctx_);
    ASSERT_TRUE(queued.ok());
    ASSERT_TRUE(projects_->Patch(alice_, p.id, json::object{{"name", "renamed"}}, std::nullopt, ctx_).ok());
    ASSERT_EQ(*queue_->RunPending(), 1);
    auto g = projects_->GetGeneration(alice_, p.id, queued->id);
    EXPECT_EQ(g->result.at("name").as_string(), "clinic-booking");
    EXPECT_EQ(g->result.at("project_version").as_int64(), 1);
}

TEST_F(ProjectsTest, FailedGenerationsSayWhy) {
    json::value m = ClinicModel();
    m.as_object()["stacks"].as_object()["devops"] = json::array{"compose"};  // compose without docker
    const Project p = MustCreateProject(alice_, FromModel(m));
    const jobs::Job g = MustGenerate(alice_, p.id);
    EXPECT_EQ(g.status, "failed");
    EXPECT_NE(g.error.find("compose"), std::string::npos) << g.error;
    auto log = projects_->GenerationLog(alice_, p.id, g.id, 0, 100);
    ASSERT_FALSE(log->empty());
    EXPECT_NE(log->back().message.find("compose"), std::string::npos);
    EXPECT_EQ(projects_->Files(alice_, p.id, g.id).error().code, ErrorCode::kConflict);
}

TEST_F(ProjectsTest, ActiveGenerationsAreLimitedAndOldOnesPruned) {
    Build({.max_active_generations = 1, .keep_generations = 2});
    const Project p = MustCreateProject(alice_);
    ASSERT_TRUE(projects_->StartGeneration(alice_, p.id, ctx_).ok());
    auto second = projects_->StartGeneration(alice_, p.id, ctx_);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::kRateLimited);
    EXPECT_GT(second.error().retry_after, 0);
    ASSERT_EQ(*queue_->RunPending(), 1);

    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        clock_.Advance(std::chrono::seconds(1));
        ids.push_back(MustGenerate(alice_, p.id).id);
    }
    auto page = projects_->ListGenerations(alice_, p.id, "", 10);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->items.size(), 2u) << "the newest two are kept";
    EXPECT_EQ(page->items[0].id, ids[2]);
    EXPECT_EQ(page->items[1].id, ids[1]);
    EXPECT_EQ(Count("SELECT COUNT(DISTINCT generation_id) AS n FROM generation_files"), 2);

    auto first = projects_->ListGenerations(alice_, p.id, "", 1);
    ASSERT_TRUE(first->next_cursor);
    auto rest = projects_->ListGenerations(alice_, p.id, *first->next_cursor, 1);
    ASSERT_EQ(rest->items.size(), 1u);
    EXPECT_EQ(rest->items[0].id, ids[1]);
    EXPECT_FALSE(rest->next_cursor);
}

TEST_F(ProjectsTest, DeletingGenerationsAndProjectsRemovesTheirFiles) {
    const Project p = MustCreateProject(alice_);
    const jobs::Job done = MustGenerate(alice_, p.id);
    ASSERT_EQ(done.status, "succeeded");
    auto queued = projects_->StartGeneration(alice_, p.id, ctx_);
    ASSERT_TRUE(queued.ok());
    ASSERT_TRUE(projects_->DeleteGeneration(alice_, p.id, queued->id, ctx_).ok()) << "a queued one is cancelled";
    EXPECT_EQ(*queue_->RunPending(), 0);
    EXPECT_EQ(projects_->GetGeneration(alice_, p.id, queued->id).error().code, ErrorCode::kNotFound);

    const jobs::Job second = MustGenerate(alice_, p.id);
    ASSERT_TRUE(projects_->DeleteGeneration(alice_, p.id, done.id, ctx_).ok());
    EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM generation_files WHERE generation_id = '" + done.id + "'"), 0);
    EXPECT_GT(Count("SELECT COUNT(*) AS n FROM generation_files WHERE generation_id = '" + second.id + "'"), 0);

    // A generation queued before its project is deleted goes with it.
    ASSERT_TRUE(projects_->StartGeneration(alice_, p.id, ctx_).ok());
    ASSERT_TRUE(projects_->Delete(alice_, p.id, std::nullopt, ctx_).ok());
    EXPECT_EQ(*queue_->RunPending(), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM generation_files"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM jobs"), 0);
}

TEST_F(ProjectsTest, PersonalDataExportsAndErasesAllOfAUsersProjects) {
    const Project model = MustCreateProject(alice_);
    const Project text = MustCreateProject(alice_, FromText(kFrenchText));
    const jobs::Job g = MustGenerate(alice_, model.id);
    const Project bobs = MustCreateProject(bob_);
    const jobs::Job bg = MustGenerate(bob_, bobs.id);

    auto source = PersonalData(*queue_);
    EXPECT_EQ(source->Name(), "projects");
    EXPECT_FALSE(source->Description().empty());
    json::value exported;
    ASSERT_TRUE(db_->Transaction([&](storage::Session& s) -> Result<void> {
                       auto e = source->Export(s, alice_.user_id);
                       if (!e) return e.take_error();
                       exported = std::move(*e);
                       return Ok();
                   })
                    .ok());
    const auto& items = exported.at("projects").as_array();
    ASSERT_EQ(items.size(), 2u);
    std::map<std::string, json::value> by_id;
    for (const auto& i : items) by_id[std::string(i.at("id").as_string())] = i;
    ASSERT_TRUE(by_id.contains(model.id) && by_id.contains(text.id));
    EXPECT_EQ(json::serialize(by_id[model.id].at("spec")), json::serialize(model.spec));
    EXPECT_EQ(by_id[text.id].at("source_text").as_string(), kFrenchText);
    EXPECT_FALSE(by_id[text.id].at("assumptions").as_array().empty());
    const auto& gens = by_id[model.id].at("generations").as_array();
    ASSERT_EQ(gens.size(), 1u);
    EXPECT_EQ(gens[0].at("id").as_string(), g.id);
    EXPECT_EQ(gens[0].at("status").as_string(), "succeeded");
    EXPECT_TRUE(gens[0].at("archives").at("zip").at("sha256").is_string());
    EXPECT_EQ(json::serialize(exported).find(bobs.id), std::string::npos) << "nothing of anyone else";

    ASSERT_TRUE(db_->Transaction([&](storage::Session& s) { return source->Erase(s, alice_.user_id); }).ok());
    EXPECT_EQ(projects_->Get(alice_, model.id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(projects_->Get(alice_, text.id).error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(queue_->Find(g.id)->has_value());
    EXPECT_EQ(Count("SELECT COUNT(*) AS n FROM generation_files WHERE generation_id = '" + g.id + "'"), 0);
    EXPECT_TRUE(projects_->Get(bob_, bobs.id).ok()) << "others keep theirs";
    EXPECT_TRUE(projects_->Archive(bob_, bobs.id, bg.id, generator::ArchiveFormat::kZip).ok());
}

TEST(ProjectsMergePatch, FollowsRfc7386) {
    // The examples of RFC 7386, appendix A.
    const std::vector<std::array<const char*, 3>> cases = {
        {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
        {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
        {R"({"a":"b"})", R"({"a":null})", R"({})"},
        {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
        {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
        {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
        {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
        {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
        {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
        {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
        {R"({"a":"foo"})", R"(null)", R"(null)"},
        {R"({"a":"foo"})", R"("bar")", R"("bar")"},
        {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
        {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
        {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
    };
    for (const auto& [target, patch, expected] : cases) {
        EXPECT_EQ(MergePatch(json::parse(target), json::parse(patch)), json::parse(expected))
            << target << " + " << patch;
    }
}

TEST(ProjectsHttp, IfMatchNamesAVersion) {
    http::Request req;
    EXPECT_FALSE(IfMatchVersion(req).has_value());
    req.headers.Set("If-Match", ProjectEtag(7));
    EXPECT_EQ(IfMatchVersion(req), 7);
    req.headers.Set("If-Match", "*");
    EXPECT_FALSE(IfMatchVersion(req).has_value());
    req.headers.Set("If-Match", "\"other\", \"v3\"");
    EXPECT_EQ(IfMatchVersion(req), 3);
    req.headers.Set("If-Match", "W/\"v3\"");
    EXPECT_EQ(IfMatchVersion(req), 0) << "weak tags never match";
    req.headers.Set("If-Match", "\"v0\", \"vx\", garbage");
    EXPECT_EQ(IfMatchVersion(req), 0);
}

TEST(ProjectsHttp, PreviewContentTypes) {
    EXPECT_EQ(PreviewContentType("backend/package.json", "{}"), "application/json; charset=utf-8");
    EXPECT_EQ(PreviewContentType("backend/src/app.js", "x"), "text/javascript; charset=utf-8");
    EXPECT_EQ(PreviewContentType("README.md", "# x"), "text/markdown; charset=utf-8");
    EXPECT_EQ(PreviewContentType("Dockerfile", "FROM x"), "text/plain; charset=utf-8");
    EXPECT_EQ(PreviewContentType("a.json", std::string("\0x", 2)), "application/octet-stream");
    EXPECT_EQ(PreviewContentType("logo.png", "\x89PNG\r\n\x1a\n\xff"), "image/png");
    EXPECT_EQ(PreviewContentType("ar.txt", "مرحبا"), "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace dihya::projects
