#include "analyze/analyzer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "analyze/lexicon.hpp"
#include "analyze/naming.hpp"
#include "analyze/text.hpp"
#include "core/config.hpp"
#include "model/project_model.hpp"

namespace dihya::analyze {
namespace {

model::Vocabulary Vocab() {
    model::Vocabulary v;
    v.stacks = {{"frontend", {"react", "vue", "svelte", "none"}},
                {"backend", {"express", "flask", "fastapi", "django", "none"}},
                {"mobile", {"react-native", "flutter", "none"}},
                {"ai", {"python-ml", "none"}},
                {"devops", {"docker", "compose", "github-actions", "kubernetes", "terraform"}},
                {"blockchain", {"solidity", "none"}}};
    v.domains = {"health",      "education", "commerce", "legal",           "finance",     "restaurant",
                 "real-estate", "transport", "events",   "human-resources", "agriculture", "tourism"};
    v.features = {"auth",    "i18n",     "seo",      "notifications", "search",
                  "uploads", "payments", "realtime", "admin",         "analytics"};
    v.locales = {"fr", "en", "ar"};
    return v;
}

RuleAnalyzer& Engine() {
    static std::unique_ptr<RuleAnalyzer> engine = [] {
        auto created = RuleAnalyzer::Create();
        if (!created) throw std::runtime_error(created.error().message);
        return std::move(created.value());
    }();
    return *engine;
}

Analysis MustAnalyze(std::string_view text) {
    auto r = Engine().Analyze(text, Vocab());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r.value() : Analysis{};
}

std::vector<std::string> EntityNames(const Analysis& a) {
    std::vector<std::string> names;
    for (const auto& e : a.model.entities) names.push_back(e.name);
    return names;
}

bool Has(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

/// A name or a label as compared by the tests: the matching form without separators or French articles, so that
/// the text's words find what it named (« Date d'adhésion » ~ date_adhesion, « œuvre » ~ Oeuvre).
std::string Folded(std::string_view s) {
    std::string spaced(s);
    std::replace(spaced.begin(), spaced.end(), '_', ' ');
    std::istringstream words(NormalizeForMatching(spaced));
    std::string out;
    for (std::string w; words >> w;) {
        if (w == "de" || w == "d" || w == "du" || w == "des" || w == "la" || w == "le" || w == "les" || w == "l")
            continue;
        out += w;
    }
    return out;
}

/// The entity called `name`, or else the one the text named so (its label: French and Arabic words are kept as
/// labels while names are English).
const model::Entity* FindEntity(const Analysis& a, std::string_view name) {
    for (const auto& e : a.model.entities) {
        if (e.name == name) return &e;
    }
    for (const auto& e : a.model.entities) {
        if (!e.label.empty() && Folded(e.label) == Folded(name)) return &e;
    }
    return nullptr;
}

const model::Field* FindField(const model::Entity& e, std::string_view name) {
    for (const auto& f : e.fields) {
        if (f.name == name) return &f;
    }
    for (const auto& f : e.fields) {
        if (!f.label.empty() && Folded(f.label) == Folded(name)) return &f;
    }
    return nullptr;
}

// --- normalisation, tokens, language ------------------------------------------------------------------------------

TEST(AnalyzeText, NormalisesLatin) {
    EXPECT_EQ(NormalizeForMatching("Élève à l'École, ŒUVRE ça!"), "eleve a l ecole oeuvre ca");
    EXPECT_EQ(NormalizeForMatching("Rendez-vous"), "rendez vous");
    EXPECT_EQ(NormalizeForMatching("react.js + Node.js"), "react js node js");
}

TEST(AnalyzeText, NormalisesArabic) {
    // Tashkeel and tatweel go, alef forms unify, ة→ه, ى→ي.
    EXPECT_EQ(NormalizeForMatching("مَتْجَرٌ"), NormalizeForMatching("متجر"));
    EXPECT_EQ(NormalizeForMatching("محاسبـــة"), NormalizeForMatching("محاسبه"));
    EXPECT_EQ(NormalizeForMatching("أإآ"), "ااا");
    EXPECT_EQ(NormalizeForMatching("مستشفى"), NormalizeForMatching("مستشفي"));
    EXPECT_EQ(NormalizeForMatching("١٢٣"), "123");
}

TEST(AnalyzeText, ArabicVariantsStripPrefixesAndPlurals) {
    const auto tokens = Tokenize("والمواعيد للمرضى بالسيارات").tokens;
    ASSERT_EQ(tokens.size(), 3u);
    const auto has = [](const std::vector<std::string>& v, std::string_view w) {
        return std::find(v.begin(), v.end(), NormalizeForMatching(w)) != v.end();
    };
    EXPECT_TRUE(has(TokenVariants(tokens[0]), "مواعيد"));
    EXPECT_TRUE(has(TokenVariants(tokens[1]), "مرضى"));
    EXPECT_TRUE(has(TokenVariants(tokens[2]), "سيارة"));
}

TEST(AnalyzeText, LatinVariantsSingularise) {
    const auto tokens = Tokenize("categories hopitaux patients").tokens;
    ASSERT_EQ(tokens.size(), 3u);
    EXPECT_TRUE(Has(TokenVariants(tokens[0]), "category"));
    EXPECT_TRUE(Has(TokenVariants(tokens[1]), "hopital"));
    EXPECT_TRUE(Has(TokenVariants(tokens[2]), "patient"));
}

std::string TypeOf(std::string_view field, std::string_view language) {
    std::vector<std::vector<std::string>> words;
    for (const Token& t : Tokenize(field).tokens) words.push_back(TokenVariants(t));
    return InferFieldType(words, Engine().lexicon().GrammarOf(language));
}

TEST(AnalyzeNaming, FieldTypesFromWords) {
    EXPECT_EQ(TypeOf("due date", "en"), "date");
    EXPECT_EQ(TypeOf("start time", "en"), "datetime");
    EXPECT_EQ(TypeOf("contact email", "en"), "email");
    EXPECT_EQ(TypeOf("entry fee", "en"), "float");
    EXPECT_EQ(TypeOf("number of seats", "en"), "int");
    EXPECT_EQ(TypeOf("publication year", "en"), "int");
    EXPECT_EQ(TypeOf("website", "en"), "url");
    EXPECT_EQ(TypeOf("is active", "en"), "bool");
    EXPECT_EQ(TypeOf("notes", "en"), "text");
    EXPECT_EQ(TypeOf("plate number", "en"), "string");
    EXPECT_EQ(TypeOf("date de retour", "fr"), "date");
    EXPECT_EQ(TypeOf("horaire", "fr"), "datetime");
    EXPECT_EQ(TypeOf("courriel", "fr"), "email");
    EXPECT_EQ(TypeOf("montant", "fr"), "float");
    EXPECT_EQ(TypeOf("nombre de places", "fr"), "int");
    EXPECT_EQ(TypeOf("capacité maximale", "fr"), "int");
    EXPECT_EQ(TypeOf("commentaire", "fr"), "text");
    EXPECT_EQ(TypeOf("تاريخ الإرجاع", "ar"), "date");
    EXPECT_EQ(TypeOf("البريد", "ar"), "email");
    EXPECT_EQ(TypeOf("السعر", "ar"), "float");
    EXPECT_EQ(TypeOf("عدد المقاعد", "ar"), "int");
    EXPECT_EQ(TypeOf("ملاحظات", "ar"), "text");
    EXPECT_EQ(TypeOf("status", "en"), "enum");
}

TEST(AnalyzeNaming, SingularFoldingAndTransliteration) {
    const Grammar& en = Engine().lexicon().GrammarOf("en");
    const Grammar& fr = Engine().lexicon().GrammarOf("fr");
    EXPECT_EQ(SingularWord("books", "en", en), "book");
    EXPECT_EQ(SingularWord("libraries", "en", en), "library");
    EXPECT_EQ(SingularWord("boxes", "en", en), "box");
    EXPECT_EQ(SingularWord("people", "en", en), "person");
    EXPECT_EQ(SingularWord("status", "en", en), "status");
    EXPECT_EQ(SingularWord("adherents", "fr", fr), "adherent");
    EXPECT_EQ(SingularWord("chevaux", "fr", fr), "cheval");
    EXPECT_EQ(SingularWord("bureaux", "fr", fr), "bureau");
    EXPECT_EQ(SingularWord("cours", "fr", fr), "cours");
    const auto word = [](std::string_view w, std::string_view lang) {
        return IdentifierWord(Tokenize(w).tokens.at(0), lang, Engine().lexicon().GrammarOf(lang), true);
    };
    EXPECT_EQ(word("Adhérents", "fr"), "adherent");
    EXPECT_EQ(word("œuvres", "fr"), "oeuvre");
    EXPECT_EQ(word("والكتاب", "ar"), "ktab");
    EXPECT_EQ(word("بالمكتبة", "ar"), "mktba");
    EXPECT_EQ(word("للأعضاء", "ar"), "ada");
    EXPECT_EQ(ArabicStem(NormalizeForMatching("الاشتراكات")), NormalizeForMatching("اشتراكة"));
    EXPECT_EQ(TransliterateArabic(NormalizeForMatching("شاحنة")), "shahna");
}

TEST(AnalyzeLanguage, DetectsTheThreeLanguages) {
    EXPECT_EQ(MustAnalyze("Une application pour gérer les rendez-vous de la clinique et les patients.").language, "fr");
    EXPECT_EQ(MustAnalyze("An app to manage the appointments of the clinic and its patients.").language, "en");
    EXPECT_EQ(MustAnalyze("تطبيق لإدارة مواعيد العيادة والمرضى مع React").language, "ar");
    EXPECT_EQ(MustAnalyze("application de gestion des commandes").language, "fr");
}

// --- behaviour ----------------------------------------------------------------------------------------------------

TEST(AnalyzeRules, EmptyTextIsInvalid) {
    for (std::string_view text : {"", "   \n\t "}) {
        auto r = Engine().Analyze(text, Vocab());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(r.error().message.find("empty"), std::string::npos);
    }
}

TEST(AnalyzeRules, TooLongTextIsInvalid) {
    auto r = Engine().Analyze(std::string(kMaxTextLength + 1, 'a'), Vocab());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("text too long"), std::string::npos);
    std::string at_limit;
    while (at_limit.size() + 9 <= kMaxTextLength) at_limit += "patients ";
    EXPECT_TRUE(Engine().Analyze(at_limit, Vocab()).ok());
}

TEST(AnalyzeRules, Deterministic) {
    const std::string text =
        "Clinique: patients, médecins, rendez-vous, factures. Paiement en ligne, notifications, en arabe et anglais.";
    const auto a = AnalysisToJson(MustAnalyze(text));
    for (int i = 0; i < 5; ++i) EXPECT_EQ(AnalysisToJson(MustAnalyze(text)), a);
}

TEST(AnalyzeRules, FieldsNearTheEntityAndRefs) {
    const Analysis a =
        MustAnalyze("Gestion des rendez-vous. Les patients avec nom, email, téléphone et groupe sanguin.");
    const model::Entity* patient = FindEntity(a, "Patient");
    ASSERT_NE(patient, nullptr);
    EXPECT_NE(FindField(*patient, "blood_type"), nullptr);
    EXPECT_EQ(FindField(*patient, "name"), nullptr) << "full_name already covers nom";
    const model::Entity* appointment = FindEntity(a, "Appointment");
    ASSERT_NE(appointment, nullptr);
    const model::Field* ref = FindField(*appointment, "patient");
    ASSERT_NE(ref, nullptr);
    EXPECT_EQ(ref->type, model::FieldType::kRef);
    EXPECT_EQ(FindField(*appointment, "doctor"), nullptr) << "no Doctor entity, so no ref to it";
    EXPECT_TRUE(std::any_of(a.assumptions.begin(), a.assumptions.end(), [](const Assumption& x) {
        return x.field == "entities.Appointment" && x.message.find("rendez-vous") != std::string::npos;
    }));
}

TEST(AnalyzeRules, FieldsListedUnderAnEntity) {
    const Analysis a = MustAnalyze("Products:\n- name\n- price\n- colour\n- weight\n\nCustomers place orders.");
    const model::Entity* product = FindEntity(a, "Product");
    ASSERT_NE(product, nullptr);
    EXPECT_NE(FindField(*product, "color"), nullptr);
    EXPECT_NE(FindField(*product, "weight_kg"), nullptr);
}

TEST(AnalyzeRules, DefaultsAreAssumed) {
    const Analysis a = MustAnalyze("Une application pour une clinique.");
    EXPECT_EQ(a.domain, "health");
    EXPECT_TRUE(Has(EntityNames(a), "Patient"));
    EXPECT_EQ(a.model.stacks.frontend, "react");
    EXPECT_EQ(a.model.stacks.backend, "express");
    EXPECT_EQ(a.model.stacks.devops, (std::vector<std::string>{"docker", "compose", "github-actions"}));
    const auto assumed = [&](std::string_view field) {
        return std::any_of(a.assumptions.begin(), a.assumptions.end(),
                           [&](const Assumption& x) { return x.field == field; });
    };
    EXPECT_TRUE(assumed("entities"));
    EXPECT_TRUE(assumed("stacks.frontend"));
    EXPECT_TRUE(assumed("stacks.backend"));
    EXPECT_TRUE(assumed("title"));
    EXPECT_EQ(a.model.locales, std::vector<std::string>{"fr"});
}

TEST(AnalyzeRules, OneWeakWordDoesNotDecideTheDomain) {
    const Analysis a = MustAnalyze(
        "We need an application to run a public library. Librarians register books with title, ISBN, author and "
        "publication year. Members borrow books; each loan has a due date and a return date. Members can reserve a "
        "book that is already on loan.");
    EXPECT_EQ(a.domain, "custom");
    const model::Entity* loan = FindEntity(a, "Loan");
    ASSERT_NE(loan, nullptr);
    EXPECT_EQ(FindField(*loan, "principal"), nullptr) << "no finance defaults when the text states the fields";
    ASSERT_NE(FindField(*loan, "book"), nullptr);
    EXPECT_EQ(FindField(*loan, "book")->type, model::FieldType::kRef);
    EXPECT_TRUE(std::any_of(a.assumptions.begin(), a.assumptions.end(), [](const Assumption& x) {
        return x.field == "entities.Book" && x.message.find("\xC2\xAB") != std::string::npos;
    }));
}

TEST(AnalyzeRules, StatedFieldsReplaceDefaults) {
    const Analysis a = MustAnalyze(
        "Build a fleet tracking tool: vehicles (plate number, model, mileage), drivers (name, license number), trips "
        "with start and end location, distance in km and fuel used.");
    const model::Entity* trip = FindEntity(a, "Trip");
    ASSERT_NE(trip, nullptr);
    for (const char* f : {"start_location", "end_location", "distance_km", "fuel_used"}) {
        EXPECT_NE(FindField(*trip, f), nullptr) << f;
    }
    EXPECT_EQ(FindField(*trip, "origin"), nullptr);
    const model::Entity* vehicle = FindEntity(a, "Vehicle");
    ASSERT_NE(vehicle, nullptr);
    ASSERT_NE(FindField(*vehicle, "mileage"), nullptr);
    EXPECT_EQ(FindField(*vehicle, "mileage")->type, model::FieldType::kInt);
    EXPECT_EQ(FindField(*vehicle, "capacity"), nullptr);
}

TEST(AnalyzeRules, ReservedNamesAreRenamed) {
    // "class", "delete" and "default" are reserved in generated code; the analysis still validates.
    const Analysis a =
        MustAnalyze("Manage classes, deletes and defaults. Each delete has a default, a class and a date.");
    EXPECT_FALSE(a.model.entities.empty());
    for (const auto& e : a.model.entities) {
        EXPECT_NE(e.name, "Class");
        EXPECT_NE(e.name, "Delete");
    }
}

TEST(AnalyzeRules, UnknownDomainIsCustom) {
    const Analysis a = MustAnalyze("Something to keep track of my stuff.");
    EXPECT_EQ(a.domain, "custom");
    EXPECT_FALSE(a.model.entities.empty());
}

TEST(AnalyzeRules, ProjectNameCue) {
    EXPECT_EQ(MustAnalyze("Nom du projet : « Dar Sahha ». Clinique avec patients.").model.title, "Dar Sahha");
    EXPECT_EQ(MustAnalyze("An online shop called Souk Lina, selling products.").model.name, "souk-lina");
    const Analysis ar = MustAnalyze("اسم المشروع: عيادة الأمل\nتطبيق لحجز المواعيد");
    EXPECT_EQ(ar.model.title, "عيادة الأمل");
    EXPECT_FALSE(ar.model.name.empty());
}

TEST(AnalyzeRules, AmbiguousTechnologyWords) {
    // "vue" and "express" are ordinary French / English words.
    const Analysis a = MustAnalyze("Une vue d'ensemble des commandes et une livraison express pour les clients.");
    EXPECT_EQ(a.model.stacks.frontend, "react");
    const Analysis b = MustAnalyze("Boutique en ligne avec un frontend vue et un backend express.");
    EXPECT_EQ(b.model.stacks.frontend, "vue");
    EXPECT_EQ(b.model.stacks.backend, "express");
}

TEST(AnalyzeRules, UnsupportedTechnologyIsSubstituted) {
    const Analysis a = MustAnalyze("A shop built with Angular and Laravel.");
    EXPECT_EQ(a.model.stacks.frontend, "react");
    EXPECT_EQ(a.model.stacks.backend, "express");
    EXPECT_TRUE(std::any_of(a.assumptions.begin(), a.assumptions.end(), [](const Assumption& x) {
        return x.field == "stacks.frontend" && x.message.find("Angular") != std::string::npos;
    }));
}

TEST(AnalyzeRules, EveryLexiconEntityValidates) {
    // In chunks (a model holds at most kMaxEntities); refs to entities outside the chunk are left out.
    const auto& all = Engine().lexicon().entities();
    for (std::size_t start = 0; start < all.size(); start += model::kMaxEntities) {
        const std::size_t end = std::min(all.size(), start + model::kMaxEntities);
        std::vector<std::string> names;
        for (std::size_t i = start; i < end; ++i) names.push_back(all[i].name);
        model::ProjectModel m;
        m.name = "all";
        m.title = "All";
        for (std::size_t i = start; i < end; ++i) {
            model::Entity e;
            e.name = all[i].name;
            for (const FieldSpec& f : all[i].fields) {
                if (f.type == "ref" && !Has(names, f.ref)) continue;
                model::Field field;
                field.name = f.name;
                field.type = model::ParseFieldType(f.type).value();
                field.values = f.values;
                field.ref = f.ref;
                e.fields.push_back(field);
            }
            m.entities.push_back(e);
        }
        auto parsed = model::ParseModelValue(model::ToSpec(m), "lexicon", Vocab());
        EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
    }
}

// --- the prototype form --------------------------------------------------------------------------------------------

TEST(AnalyzePrototype, StackAndType) {
    auto r = AnalyzePrototypeForm(Engine(), {"Gestion d'une école avec élèves et enseignants", "webapp", "react+flask"},
                                  Vocab());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->model.stacks.frontend, "react");
    EXPECT_EQ(r->model.stacks.backend, "flask");
    EXPECT_EQ(r->domain, "education");

    auto api = AnalyzePrototypeForm(Engine(), {"An API for a shop", "api", "fastapi"}, Vocab());
    ASSERT_TRUE(api.ok()) << api.error().message;
    EXPECT_EQ(api->model.stacks.frontend, "none");
    EXPECT_EQ(api->model.stacks.backend, "fastapi");

    auto mobile =
        AnalyzePrototypeForm(Engine(), {"Suivi des livraisons pour les chauffeurs", "mobile", "flutter"}, Vocab());
    ASSERT_TRUE(mobile.ok()) << mobile.error().message;
    EXPECT_EQ(mobile->model.stacks.mobile, "flutter");
    EXPECT_EQ(mobile->model.stacks.frontend, "none");

    auto vue = AnalyzePrototypeForm(Engine(), {"Restaurant menu", "webapp", "vue + express"}, Vocab());
    ASSERT_TRUE(vue.ok());
    EXPECT_EQ(vue->model.stacks.frontend, "vue");
    EXPECT_EQ(vue->model.stacks.backend, "express");

    auto empty = AnalyzePrototypeForm(Engine(), {"", "webapp", "react"}, Vocab());
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
}

// --- structure rules (fresh texts, three languages) -----------------------------------------------------------------

// The type of a field, "" when the entity or the field is missing.
std::string TypeOf(const Analysis& a, std::string_view entity, std::string_view field) {
    const model::Entity* e = FindEntity(a, entity);
    if (e == nullptr) return "";
    const model::Field* f = FindField(*e, field);
    return f == nullptr ? "" : std::string(model::FieldTypeName(f->type));
}

std::vector<std::string> ValuesOf(const Analysis& a, std::string_view entity, std::string_view field) {
    const model::Entity* e = FindEntity(a, entity);
    const model::Field* f = e == nullptr ? nullptr : FindField(*e, field);
    return f == nullptr ? std::vector<std::string>{} : f->values;
}

/// Whether the entity named (or labelled) `from` has a ref to the one named (or labelled) `to`, whatever the
/// dictionary called them.
bool RefersTo(const Analysis& a, std::string_view from, std::string_view to) {
    const model::Entity* e = FindEntity(a, from);
    const model::Entity* target = FindEntity(a, to);
    if (e == nullptr || target == nullptr) return false;
    return std::any_of(e->fields.begin(), e->fields.end(), [&](const model::Field& f) {
        return f.type == model::FieldType::kRef && f.ref == target->name;
    });
}

std::string RefOf(const Analysis& a, std::string_view entity, std::string_view field) {
    const model::Entity* e = FindEntity(a, entity);
    const model::Field* f = e == nullptr ? nullptr : FindField(*e, field);
    return f == nullptr || f->type != model::FieldType::kRef ? "" : f->ref;
}

TEST(AnalyzeStructure, TitleLabelNamesTheProject) {
    const Analysis en = MustAnalyze(
        "Project: Shelfie. A web app for a neighbourhood book exchange.\nMembers list books with a title and an "
        "author.");
    EXPECT_EQ(en.model.title, "Shelfie");
    EXPECT_FALSE(Has(EntityNames(en), "Shelfie"));
    EXPECT_FALSE(Has(EntityNames(en), "Exchange")) << "the product's subject";
    EXPECT_TRUE(Has(EntityNames(en), "Book"));

    const Analysis fr = MustAnalyze(
        "Projet : CaveaVin\nUne application de gestion de cave à vin. Les bouteilles ont un millésime, un cépage "
        "et un prix.");
    EXPECT_EQ(fr.model.title, "CaveaVin");
    EXPECT_FALSE(Has(EntityNames(fr), "Cave"));
    EXPECT_FALSE(Has(EntityNames(fr), "Caveavin"));
    EXPECT_EQ(TypeOf(fr, "Bouteille", "price"), "float");

    const Analysis ar = MustAnalyze("المشروع: رفيق\nتطبيق لإدارة حضانة. لكل طفل اسم وتاريخ الميلاد.");
    EXPECT_EQ(ar.model.title, "\xD8\xB1\xD9\x81\xD9\x8A\xD9\x82");  // رفيق
    EXPECT_EQ(EntityNames(ar), std::vector<std::string>{"Child"}) << "no entity for the nursery itself";
    EXPECT_EQ(TypeOf(ar, "Child", "birth_date"), "date");
}

TEST(AnalyzeStructure, TheProductsSubjectIsAnEntityOnlyWithFields) {
    const Analysis a = MustAnalyze("A platform to run a bakery. Each bakery has a name and an opening hour.");
    EXPECT_EQ(TypeOf(a, "Bakery", "opening_hour"), "datetime") << "given fields: an entity after all";
    // An initial و right after the verb is a letter of the word (ورشة), not "and".
    const Analysis w = MustAnalyze("نظام لإدارة ورشة نجارة. لكل طلبية تاريخ وسعر.");
    EXPECT_EQ(EntityNames(w), std::vector<std::string>{"Order"});

    const Analysis c =
        MustAnalyze("An app to manage a dog grooming salon. Owners bring dogs. Each dog has a name and a breed.");
    EXPECT_FALSE(Has(EntityNames(c), "GroomingSalon"));
    EXPECT_FALSE(Has(EntityNames(c), "Salon"));
    EXPECT_TRUE(Has(EntityNames(c), "Dog"));
    const Analysis b = MustAnalyze("Une plateforme pour une école de danse : les élèves, les cours et les salles.");
    EXPECT_FALSE(Has(EntityNames(b), "Ecole"));
    EXPECT_FALSE(Has(EntityNames(b), "School"));
}

TEST(AnalyzeStructure, ARelativeClauseAfterTheProductNamesActorsNotTheProduct) {
    const Analysis en = MustAnalyze("We want a portal where volunteers organise clean-ups in parks.");
    EXPECT_TRUE(Has(EntityNames(en), "Volunteer"));
    EXPECT_FALSE(Has(EntityNames(en), "WhereVolunteer"));
    const Analysis fr = MustAnalyze("Une plateforme où les bénévoles organisent des collectes de vêtements.");
    EXPECT_TRUE(Has(EntityNames(fr), "Benevole"));
    const Analysis ar = MustAnalyze("منصة حيث ينظم المتطوعون حملات تنظيف.");
    EXPECT_FALSE(EntityNames(ar).empty());
}

TEST(AnalyzeStructure, LexiconDefaultsComeOnlyFromTheRecognisedDomain) {
    // A loan in a tool library is not a bank loan: no principal or interest rate from the finance lexicon.
    const Analysis en = MustAnalyze(
        "Our neighbourhood tool library lends drills and ladders. Volunteers record loans and returns. Each tool "
        "has a name and a condition. Each borrower has a name and a phone.");
    const model::Entity* loan = FindEntity(en, "Loan");
    ASSERT_NE(loan, nullptr) << ::testing::PrintToString(EntityNames(en));
    EXPECT_EQ(FindField(*loan, "principal"), nullptr);
    EXPECT_EQ(FindField(*loan, "interest_rate"), nullptr);
}

TEST(AnalyzeStructure, WordsNamedOnceInPassingAreNotEntities) {
    const Analysis fr = MustAnalyze(
        "Nous tenons une ressourcerie ouverte un mardi sur deux. On veut remplacer notre classeur. Chaque don a une "
        "date, un poids et une catégorie. Chaque donateur a un nom et un téléphone. Chaque vente a un montant et "
        "une date.");
    const auto names = EntityNames(fr);
    EXPECT_FALSE(Has(names, "Mardi")) << ::testing::PrintToString(names);
    EXPECT_FALSE(Has(names, "Classeur")) << ::testing::PrintToString(names);
    bool said = false;
    for (const Assumption& a : fr.assumptions) {
        if (a.message.find("classeur") == std::string::npos) continue;
        said = a.message.find("named once in passing") != std::string::npos && a.spans.size() == 1;
    }
    EXPECT_TRUE(said) << "the assumption names the word and points at it";
    // A short text naming nothing else keeps what it names.
    EXPECT_FALSE(EntityNames(MustAnalyze("Une plateforme où les bénévoles organisent des collectes.")).empty());
}

TEST(AnalyzeStructure, WordsThatAskForAFeatureAreNotEntities) {
    const Analysis en = MustAnalyze(
        "A web shop for a tea merchant with search, SEO, an admin area and realtime updates. Customers order teas; "
        "each tea has a name, an origin and a price.");
    const auto names = EntityNames(en);
    for (const char* feature : {"Seo", "AdminArea", "Realtime", "Search"}) {
        EXPECT_FALSE(Has(names, feature)) << feature << " in " << ::testing::PrintToString(names);
    }
    for (const char* feature : {"search", "seo", "admin", "realtime"}) {
        EXPECT_TRUE(Has(en.model.features, feature)) << feature;
    }
    EXPECT_TRUE(Has(names, "Tea")) << ::testing::PrintToString(names);
}

TEST(AnalyzeStructure, StatesListedAfterTheRecordAreAStatusEnum) {
    const Analysis en = MustAnalyze(
        "Each crate has a label code and a weight. A crate is registered, in transit, delivered or returned. "
        "Each courier has a name.");
    EXPECT_EQ(TypeOf(en, "Crate", "status"), "enum");
    const auto values = ValuesOf(en, "Crate", "status");
    EXPECT_TRUE(Has(values, "registered") && Has(values, "in_transit") && Has(values, "returned"))
        << ::testing::PrintToString(values);
    const auto names = EntityNames(en);
    EXPECT_FALSE(Has(names, "Delivered") || Has(names, "Returned")) << ::testing::PrintToString(names);

    const Analysis fr = MustAnalyze(
        "Chaque réservation a une date et un nombre de places. Une réservation est confirmée, annulée ou en "
        "attente.");
    EXPECT_EQ(ValuesOf(fr, "Reservation", "status").size(), 3u) << ::testing::PrintToString(EntityNames(fr));
    // A sentence that describes rather than lists states leaves the model alone.
    const Analysis plain = MustAnalyze("Each walk has a date. A walk is a booking made by an owner.");
    EXPECT_EQ(TypeOf(plain, "Walk", "status"), "");
}

TEST(AnalyzeStructure, EachBelongsToAndWhichMakeRefs) {
    const auto ref = [](const Analysis& a, std::string_view entity, std::string_view target) {
        const model::Entity* e = FindEntity(a, entity);
        if (e == nullptr) return false;
        return std::any_of(e->fields.begin(), e->fields.end(),
                           [&](const model::Field& f) { return f.type == model::FieldType::kRef && f.ref == target; });
    };
    const Analysis en = MustAnalyze(
        "Each hive has a code and a location. Each hive belongs to an apiary. Each apiary has a name.\n"
        "Inspections: which hive, which beekeeper, the date and the notes. Each beekeeper has a name.");
    EXPECT_TRUE(ref(en, "Hive", "Apiary")) << "each X belongs to a Y";
    EXPECT_TRUE(ref(en, "Inspection", "Hive")) << "which X in a list of fields";
    EXPECT_TRUE(ref(en, "Inspection", "Beekeeper"));
    const Analysis fr = MustAnalyze(
        "Chaque ruche a un code. Chaque ruche appartient à un rucher. Chaque rucher a un nom et une commune.");
    EXPECT_TRUE(RefersTo(fr, "Ruche", "Rucher")) << ::testing::PrintToString(EntityNames(fr));
}

TEST(AnalyzeStructure, ADashIntroducesFieldsAndParenthesesListValues) {
    const Analysis en = MustAnalyze(
        "Albums - title, category (jazz, business, soul, rock), release year, label.\n"
        "Artists - name, country, website.");
    EXPECT_EQ(TypeOf(en, "Album", "title"), "string");
    EXPECT_EQ(TypeOf(en, "Album", "category"), "enum");
    const auto values = ValuesOf(en, "Album", "category");
    EXPECT_TRUE(Has(values, "business") && Has(values, "jazz") && Has(values, "rock"))
        << ::testing::PrintToString(values);
    EXPECT_FALSE(TypeOf(en, "Artist", "website").empty());
}

TEST(AnalyzeStructure, ANoteInParenthesesDoesNotEndTheFieldList) {
    // A unit, a note or an example in parentheses annotates one field; the fields after it are still fields.
    const Analysis en =
        MustAnalyze("Shipments: sender address, parcel weight (kg), pickup date, recipient phone and notes.");
    for (const char* f : {"sender_address", "parcel_weight", "pickup_date", "recipient_phone", "notes"}) {
        EXPECT_FALSE(TypeOf(en, "Shipment", f).empty()) << f;
    }
    EXPECT_TRUE(TypeOf(en, "Shipment", "kg").empty());
    EXPECT_FALSE(Has(EntityNames(en), "Kg"));
    const Analysis fr = MustAnalyze(
        "Les colis : poids (en grammes), date d'envoi (renseignée automatiquement), adresse et destinataire.");
    EXPECT_FALSE(TypeOf(fr, "Shipment", "recipient").empty()) << "the field after two notes";
    // After a plural, several words in parentheses are still the fields of the whole.
    const Analysis whole = MustAnalyze("The menu lists dishes and drinks (name, price, description).");
    EXPECT_EQ(TypeOf(whole, "MenuItem", "price"), "float");
}

TEST(AnalyzeStructure, CalendarWordsAreNotEntities) {
    const Analysis en = MustAnalyze(
        "Every Saturday morning we run repair workshops, and more in the summer. Each workshop has a title, a date "
        "and a capacity. Volunteers sign up for workshops.");
    for (const char* e : {"Saturday", "Morning", "Summer", "SaturdayMorning"}) {
        EXPECT_FALSE(Has(EntityNames(en), e)) << ::testing::PrintToString(EntityNames(en));
    }
    EXPECT_FALSE(TypeOf(en, "Event", "capacity").empty()) << "a workshop is the events domain's Event";
    const Analysis fr = MustAnalyze(
        "Le samedi matin, et tout l'été, chacun peut venir. Chaque atelier a un titre, une date et une capacité.");
    for (const char* e : {"Saturday", "Morning", "Summer", "EveryOne"}) EXPECT_FALSE(Has(EntityNames(fr), e)) << e;
}

TEST(AnalyzeStructure, SectionsWithoutColonsAndBulletsListingFields) {
    // A numbered or bare heading over bullets (indented or not), each bullet listing one field or several.
    const Analysis en = MustAnalyze(
        "1. Cakes\n   - name, flavour, price\n   - description\n2. Orders\n   - customer name, pickup date\n");
    for (const char* f : {"name", "flavour", "price", "description"}) EXPECT_FALSE(TypeOf(en, "Cake", f).empty()) << f;
    EXPECT_FALSE(TypeOf(en, "Order", "pickup_date").empty());
    EXPECT_TRUE(TypeOf(en, "Cake", "pickup_date").empty()) << "the next numbered line is the next section";
    const Analysis fr =
        MustAnalyze("Les gâteaux\n- nom, parfum, prix\n- description\n\nLes commandes\n- date de retrait\n");
    EXPECT_FALSE(TypeOf(fr, "Cake", "price").empty()) << ::testing::PrintToString(EntityNames(fr));
    EXPECT_FALSE(TypeOf(fr, "Cake", "description").empty());
}

TEST(AnalyzeStructure, FieldListsMakeFieldsNotEntities) {
    const Analysis en = MustAnalyze("Each campaign has a name, a budget, a start date and an owner.");
    EXPECT_EQ(en.domain, "custom") << "a listed budget does not vote for finance";
    EXPECT_FALSE(Has(EntityNames(en), "Budget"));
    EXPECT_EQ(TypeOf(en, "Campaign", "budget"), "float");
    EXPECT_EQ(TypeOf(en, "Campaign", "start_date"), "date");

    const Analysis fr =
        MustAnalyze("Chaque chantier a un nom, une adresse, un budget et une date de fin. Les ouvriers aussi.");
    EXPECT_NE(fr.domain, "finance");
    EXPECT_FALSE(Has(EntityNames(fr), "Budget"));
    EXPECT_EQ(TypeOf(fr, "Chantier", "budget"), "float");

    const Analysis ar = MustAnalyze("لكل حملة اسم وميزانية وتاريخ البداية.");
    EXPECT_FALSE(Has(EntityNames(ar), "Budget"));
    EXPECT_EQ(TypeOf(ar, "Campaign", "start_date"), "date");

    // A listed word the text manages elsewhere is a ref.
    const Analysis ref = MustAnalyze(
        "We manage repairs and mechanics. Each repair has a date, a cost and a mechanic. Mechanics have a phone.");
    EXPECT_EQ(RefOf(ref, "Repair", "mechanic"), "Mechanic");
}

TEST(AnalyzeStructure, EnumValuesAreListedNotFields) {
    const Analysis en =
        MustAnalyze("Each ticket has a subject, a status (open, pending, solved) and a kind (bug, question).");
    EXPECT_EQ(ValuesOf(en, "Ticket", "status"), (std::vector<std::string>{"open", "pending", "solved"}));
    EXPECT_EQ(ValuesOf(en, "Ticket", "kind"), (std::vector<std::string>{"bug", "question"}));
    EXPECT_EQ(TypeOf(en, "Ticket", "open"), "");

    const Analysis fr = MustAnalyze("Chaque devis a un montant et un statut : brouillon, envoyé ou accepté.");
    EXPECT_EQ(ValuesOf(fr, "Devis", "status"), (std::vector<std::string>{"brouillon", "envoye", "accepte"}));
    EXPECT_EQ(TypeOf(fr, "Devis", "brouillon"), "");

    const Analysis level = MustAnalyze("Chaque nageur a un nom et une catégorie d'âge (poussin, benjamin, minime).");
    EXPECT_EQ(ValuesOf(level, "Nageur", "categorie_age"), (std::vector<std::string>{"poussin", "benjamin", "minime"}));

    const Analysis colon =
        MustAnalyze("Chaque sortie a une date, un lieu de départ et un niveau : facile, moyen ou dur.");
    EXPECT_EQ(ValuesOf(colon, "Sortie", "level"), (std::vector<std::string>{"facile", "moyen", "dur"}));
    EXPECT_EQ(TypeOf(colon, "Sortie", "lieu_depart"), "string");

    const Analysis ar = MustAnalyze("لكل مباراة نتيجة (فوز، تعادل، خسارة) وتاريخ.");
    EXPECT_EQ(ValuesOf(ar, "Match", "\xD9\x86\xD8\xAA\xD9\x8A\xD8\xAC\xD8\xA9").size(), 3u);  // نتيجة

    const Analysis examples = MustAnalyze(
        "Le club propose des stages sportifs (escalade, kayak). Chaque stage a un titre, une date et un prix.");
    EXPECT_EQ(TypeOf(examples, "Stage", "escalade"), "");
    EXPECT_EQ(TypeOf(examples, "Stage", "price"), "float");
}

TEST(AnalyzeStructure, ContainedPartsAreChildEntities) {
    const Analysis en = MustAnalyze("Albums contain photos with a caption, a shooting date and a width.");
    EXPECT_EQ(RefOf(en, "Photo", "album"), "Album");
    EXPECT_EQ(TypeOf(en, "Photo", "shooting_date"), "date");
    EXPECT_EQ(TypeOf(en, "Photo", "width"), "float");

    const Analysis fr = MustAnalyze("Les recettes contiennent des étapes avec un numéro et une durée en minutes.");
    EXPECT_TRUE(RefersTo(fr, "Etape", "Recette")) << ::testing::PrintToString(EntityNames(fr));

    const Analysis ar = MustAnalyze("تحتوي الرفوف على صناديق. لكل صندوق رمز ووزن.");
    EXPECT_TRUE(RefersTo(ar, "Box", "\xD8\xB1\xD9\x81\xD9\x88\xD9\x81"))
        << ::testing::PrintToString(EntityNames(ar));  // رفوف
    const Analysis of_them = MustAnalyze("تحتوي الطلبيات على أصناف لكل منها سعر وكمية.");
    EXPECT_EQ(TypeOf(of_them, "Category", "price"), "float") << "لكل منها: fields of the part just named";

    const Analysis each =
        MustAnalyze("Each survey contains questions with a wording, a difficulty (easy, hard) and a number of points.");
    EXPECT_EQ(RefOf(each, "Question", "survey"), "Survey");
    EXPECT_EQ(TypeOf(each, "Question", "number_of_points"), "int");
    EXPECT_EQ(ValuesOf(each, "Question", "difficulty"), (std::vector<std::string>{"easy", "hard"}));

    const Analysis nouns = MustAnalyze("Volunteers record shifts at shelters. Authors write posts with a title.");
    EXPECT_EQ(RefOf(nouns, "Shift", "volunteer"), "Volunteer") << "a verb-like word opening a sentence is its subject";
    EXPECT_EQ(RefOf(nouns, "Shift", "shelter"), "Shelter");
    EXPECT_EQ(TypeOf(nouns, "Post", "title"), "string") << "a verb-like word after a verb is its object";

    EXPECT_EQ(RefOf(MustAnalyze("Clients own projects. Each project has a code and a deadline."), "Project", "client"),
              "Client");
    EXPECT_TRUE(RefersTo(MustAnalyze("Les agences possèdent des véhicules. Chaque véhicule a une plaque."), "Vehicle",
                         "Agence"));

    const Analysis verb = MustAnalyze("Nurses log shift notes against patients. Each shift note has a text.");
    EXPECT_EQ(RefOf(verb, "ShiftNote", "patient"), "Patient");
    EXPECT_EQ(RefOf(verb, "ShiftNote", "nurse"), "Nurse");
}

TEST(AnalyzeStructure, FrenchElisionsAndDateFields) {
    const Analysis a = MustAnalyze(
        "Chaque lecteur peut emprunter jusqu’à cinq revues. Chaque lecteur a un nom et une date d’adhésion. "
        "Chaque stagiaire a un nom et une date d'inscription.");
    for (const std::string& n : EntityNames(a)) {
        EXPECT_NE(n, "Jusqu");
        EXPECT_NE(n, "Cinq");
        EXPECT_NE(n, "Enrollment") << "a date of enrolment is a date";
    }
    EXPECT_EQ(TypeOf(a, "Lecteur", "date_adhesion"), "date");
    EXPECT_EQ(TypeOf(a, "Student", "date_inscription"), "date");
}

TEST(AnalyzeStructure, RolesAndAbstractNounsAreNotEntities) {
    const Analysis en = MustAnalyze(
        "Admins manage volunteers. Supervisors see statistics and the dashboard. Each volunteer has a name and a "
        "phone.");
    EXPECT_EQ(EntityNames(en), std::vector<std::string>{"Volunteer"});
    EXPECT_TRUE(Has(en.model.features, "analytics"));

    const Analysis fr = MustAnalyze(
        "Les administrateurs gèrent les bénévoles. Les utilisateurs consultent les statistiques et l'historique. "
        "Chaque bénévole a un nom et un téléphone.");
    EXPECT_EQ(EntityNames(fr), std::vector<std::string>{"Benevole"});

    const Analysis ar =
        MustAnalyze("يدير المشرفون المتطوعين. يمكن للمستخدمين عرض الإحصائيات والتقارير. لكل متطوع اسم وهاتف.");
    EXPECT_EQ(EntityNames(ar).size(), 1u);

    // A role the text describes is an entity.
    const Analysis given = MustAnalyze("Each manager has a name, an email and a department code.");
    EXPECT_TRUE(Has(EntityNames(given), "Manager"));
}

TEST(AnalyzeStructure, NumberOfIsAnInteger) {
    EXPECT_EQ(TypeOf(MustAnalyze("Each shelf has a label and a number of boxes."), "Shelf", "number_of_boxes"), "int");
    EXPECT_EQ(TypeOf(MustAnalyze("Chaque rayon a un nom et un nombre d'étagères."), "Category", "nombre_etageres"),
              "int");
    EXPECT_EQ(TypeOf(MustAnalyze("لكل رف رمز وعدد الصناديق."), "\xD8\xB1\xD9\x81",
                     "\xD8\xB9\xD8\xAF\xD8\xAF \xD8\xA7\xD9\x84\xD8\xB5\xD9\x86\xD8\xA7\xD8\xAF\xD9\x8A\xD9\x82"),
              "int");
}

TEST(AnalyzeStructure, ArabicAttachedPronouns) {
    EXPECT_EQ(ArabicStem("\xD8\xA7\xD8\xB5\xD8\xAD\xD8\xA7\xD8\xA8\xD9\x87\xD8\xA7"),  // اصحابها
              "\xD8\xA7\xD8\xB5\xD8\xAD\xD8\xA7\xD8\xA8");                             // اصحاب
    EXPECT_EQ(ArabicStem("\xD9\x85\xD9\x87\xD9\x85\xD9\x87"), "\xD9\x85\xD9\x87\xD9\x85\xD9\x87")
        << "مهمه keeps its final ه (a folded ة)";
    const Analysis a = MustAnalyze("تسجل العيادة الحيوانات وأصحابها. لكل حيوان اسم ووزن.");
    EXPECT_TRUE(Has(EntityNames(a), "Owner"));
    EXPECT_TRUE(Has(EntityNames(a), "Animal"));
}

TEST(AnalyzeCorrections, SpansPointAtTheWordsAndCorrectionsApply) {
    const std::string text =
        "Une application pour une clinique en React avec Laravel : les patients et les rendez-vous.";
    const Analysis a = MustAnalyze(text);
    const auto find = [&](std::string_view field) {
        return std::find_if(a.assumptions.begin(), a.assumptions.end(),
                            [&](const Assumption& x) { return x.field == field; });
    };
    const auto domain = find("domain");
    ASSERT_NE(domain, a.assumptions.end());
    ASSERT_FALSE(domain->spans.empty());
    EXPECT_EQ(text.substr(domain->spans[0].first, domain->spans[0].second - domain->spans[0].first), "clinique");
    const auto backend = find("stacks.backend");
    ASSERT_NE(backend, a.assumptions.end());
    ASSERT_EQ(backend->spans.size(), 1u);
    EXPECT_EQ(text.substr(backend->spans[0].first, backend->spans[0].second - backend->spans[0].first), "Laravel");
    EXPECT_EQ(a.entity_words.at("Appointment"), "rendez-vous");
    // UTF-16 offsets: after an Arabic word (two bytes a letter, one unit), an offset counts letters.
    const Analysis ar = MustAnalyze("تطبيق لعيادة: المرضى والمواعيد. Laravel");
    bool laravel = false;
    for (const Assumption& x : ar.assumptions) {
        for (const auto& [start, end] : x.spans) laravel = laravel || (start == 32 && end == 39);
    }
    EXPECT_TRUE(laravel);

    Analysis c = a;
    ASSERT_TRUE(ApplyCorrections(c,
                                 {{"rename", "", "rendez-vous", "", "Visit", {}},
                                  {"values", "", "Visit", "status", "", {"booked", "seen", "cancelled"}},
                                  {"role", "secretaire", "", "", "", {}},
                                  {"not_entity", "", "Patient", "", "", {}}},
                                 Vocab())
                    .ok());
    const model::Entity* visit = FindEntity(c, "Visit");
    ASSERT_NE(visit, nullptr);
    EXPECT_EQ(FindField(*visit, "status")->values, (std::vector<std::string>{"booked", "seen", "cancelled"}));
    EXPECT_EQ(FindEntity(c, "Patient"), nullptr);
    EXPECT_EQ(FindEntity(c, "Appointment"), nullptr);
    for (const auto& e : c.model.entities) {
        for (const auto& f : e.fields) EXPECT_NE(f.ref, "Patient") << "refs to a dropped entity go too";
    }
    EXPECT_NE(std::find(c.model.roles.begin(), c.model.roles.end(), "secretaire"), c.model.roles.end());
    Analysis bad = a;
    auto refused = ApplyCorrections(bad, {{"rename", "", "Nope", "", "X", {}}}, Vocab());
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.error().details.contains("corrections[0].entity"));
    EXPECT_FALSE(ApplyCorrections(bad, {{"values", "", "Patient", "status", "", {"one"}}}, Vocab()).ok());
    EXPECT_FALSE(ApplyCorrections(bad, {{"shout", "", "", "", "", {}}}, Vocab()).ok());
}

// --- the corpus ----------------------------------------------------------------------------------------------------

std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(AnalyzeCorpus, MatchesExpectations) {
    const std::filesystem::path dir = std::filesystem::path(std::string(dihya::SourceDir())) / "src/analyze/corpus";
    const YAML::Node expected = YAML::LoadFile((dir / "expected.yaml").string());
    std::size_t files = 0;
    std::size_t passed = 0;
    std::size_t per_language[3] = {0, 0, 0};
    for (const auto& entry : expected) {
        const std::string file = entry.first.as<std::string>();
        const YAML::Node want = entry.second;
        SCOPED_TRACE(file);
        ++files;
        const std::string text = ReadFile(dir / file);
        ASSERT_FALSE(text.empty()) << "missing corpus file";
        auto r = Engine().Analyze(text, Vocab());
        ASSERT_TRUE(r.ok()) << r.error().message;
        const Analysis& a = r.value();
        const int failures_before =
            ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
        const std::string language = want["language"].as<std::string>();
        per_language[language == "fr" ? 0 : language == "en" ? 1 : 2]++;
        EXPECT_EQ(a.language, language);
        if (want["domain"]) {
            EXPECT_EQ(a.domain, want["domain"].as<std::string>());
        }
        // Entities by name or, for the text's own words, by label.
        for (const auto& e : want["entities"]) {
            EXPECT_NE(FindEntity(a, e.as<std::string>()), nullptr)
                << "entity " << e << " in " << ::testing::PrintToString(EntityNames(a));
        }
        for (const auto& e : want["absent"])
            EXPECT_EQ(FindEntity(a, e.as<std::string>()), nullptr) << "no entity " << e;
        if (want["title"]) {
            EXPECT_EQ(a.model.title, want["title"].as<std::string>());
        }
        for (const auto& f : want["features"]) {
            EXPECT_TRUE(Has(a.model.features, f.as<std::string>())) << "feature " << f;
        }
        for (const auto& entity : want["fields"]) {
            const std::string name = entity.first.as<std::string>();
            const model::Entity* e = FindEntity(a, name);
            if (e == nullptr) continue;  // reported above
            for (const auto& field : entity.second) {
                const model::Field* f = FindField(*e, field.first.as<std::string>());
                if (f == nullptr) {
                    std::string fields;
                    for (const model::Field& x : e->fields) fields += " " + x.name + "(" + x.label + ")";
                    ADD_FAILURE() << name << "." << field.first.as<std::string>() << " missing; fields:" << fields;
                    continue;
                }
                EXPECT_EQ(model::FieldTypeName(f->type), field.second.as<std::string>())
                    << name << "." << field.first.as<std::string>();
            }
        }
        if (want["locales"]) {
            EXPECT_EQ(a.model.locales, want["locales"].as<std::vector<std::string>>());
        }
        const auto& s = a.model.stacks;
        for (const auto& kind : want["stacks"]) {
            const std::string k = kind.first.as<std::string>();
            if (k == "devops") {
                for (const auto& tool : kind.second) EXPECT_TRUE(Has(s.devops, tool.as<std::string>())) << tool;
                continue;
            }
            const std::string got = k == "frontend"  ? s.frontend
                                    : k == "backend" ? s.backend
                                    : k == "mobile"  ? s.mobile
                                    : k == "ai"      ? s.ai
                                                     : s.blockchain;
            EXPECT_EQ(got, kind.second.as<std::string>()) << "stacks." << k;
        }
        if (::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count() == failures_before) {
            ++passed;
        }
    }
    EXPECT_GE(files, 30u);
    for (std::size_t n : per_language) EXPECT_GE(n, 10u);
    std::cout << "analyzer corpus: " << passed << "/" << files << " specs pass\n";
}

}  // namespace
}  // namespace dihya::analyze

namespace dihya::analyze {
namespace {

std::string LongText() {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "Each project has a name, a code and a deadline. ";
    return text;
}

TEST(AnalyzeBudget, APassedDeadlineStopsTheAnalysisWithATimeout) {
    const Budget expired(std::chrono::steady_clock::now() - std::chrono::seconds(1), std::chrono::milliseconds(100),
                         nullptr, "the analysis");
    auto r = Engine().Analyze(LongText(), Vocab(), expired);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
    EXPECT_NE(r.error().message.find("the analysis exceeded its time budget of 100 ms"), std::string::npos)
        << r.error().message;
    // The same text with time to spare is analysed.
    const Budget ample(std::chrono::steady_clock::now(), std::chrono::minutes(5), nullptr, "the analysis");
    EXPECT_TRUE(Engine().Analyze(LongText(), Vocab(), ample).ok());
}

TEST(AnalyzeBudget, AClientThatLeftStopsTheAnalysis) {
    auto gone = std::make_shared<std::atomic<bool>>(true);
    const Budget budget(std::chrono::steady_clock::now(), std::chrono::minutes(5), gone, "the analysis");
    auto r = Engine().Analyze(LongText(), Vocab(), budget);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
    EXPECT_NE(r.error().message.find("client closed the connection"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace dihya::analyze
