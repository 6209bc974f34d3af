#include "model/project_model.hpp"

#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "model/spec_yaml.hpp"

namespace dihya::model {
namespace {

Vocabulary TestVocabulary() {
    Vocabulary v;
    v.stacks = {
        {"frontend", {"react", "vue", "svelte", "none"}},
        {"backend", {"express", "flask", "fastapi", "django", "none"}},
        {"mobile", {"react-native", "flutter", "none"}},
        {"ai", {"python-ml", "none"}},
        {"devops", {"docker", "compose", "github-actions", "kubernetes", "terraform"}},
        {"blockchain", {"solidity", "none"}},
    };
    v.domains = {"health", "education", "commerce", "legal", "custom"};
    v.features = {"auth", "i18n", "seo", "notifications", "search", "uploads"};
    v.locales = {"fr", "en", "ar"};
    return v;
}

Result<ProjectModel> Parse(std::string_view text, std::string_view origin = "spec.yaml") {
    return ParseModel(text, origin, TestVocabulary());
}

/// The error of a specification that must fail.
Error Fail(std::string_view text, std::string_view origin = "spec.yaml") {
    auto r = Parse(text, origin);
    EXPECT_FALSE(r.ok()) << "expected an error for:\n" << text;
    if (r.ok()) return {};
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    return r.error();
}

/// Checks that `text` fails with exactly one problem at `where` ("spec.yaml:7") and `path`, whose reason
/// contains `reason`.
void ExpectOneError(std::string_view text, const std::string& where, const std::string& path, const std::string& reason,
                    std::string_view origin = "spec.yaml") {
    const Error e = Fail(text, origin);
    const std::string prefix = where + ": " + (path == "$" ? "" : path + ": ");
    EXPECT_EQ(e.message.substr(0, prefix.size()), prefix) << e.message;
    EXPECT_NE(e.message.find(reason), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("more)"), std::string::npos) << e.message;
    ASSERT_EQ(e.details.size(), 1u) << e.message;
    ASSERT_TRUE(e.details.contains(path)) << e.details.begin()->first;
    EXPECT_NE(e.details.at(path).find(reason), std::string::npos) << e.details.at(path);
}

constexpr std::string_view kApiExample =
    R"(name: clinic-booking            # kebab-case identifier; derived from title if absent
title: Clinic Booking
description: Appointments for a small clinic
domain: health                  # one of GET /api/v1/catalog domains, or "custom"
locales: [fr, en, ar]           # first is the default; ar renders right-to-left
roles: [admin, doctor, patient]
features: [auth, i18n, seo, notifications]
entities:
  - name: Patient
    fields:
      - {name: full_name, type: string, required: true}
      - {name: email, type: email, unique: true}
      - {name: birth_date, type: date}
  - name: Appointment
    fields:
      - {name: starts_at, type: datetime, required: true}
      - {name: status, type: enum, values: [booked, done, cancelled]}
      - {name: patient, type: ref, ref: Patient}
stacks:
  frontend: react               # react | vue | svelte | none
  backend: express              # express | flask | fastapi | django | none
  mobile: none                  # react-native | flutter | none
  ai: none                      # python-ml | none
  devops: [docker, compose, github-actions]   # also kubernetes, terraform
  blockchain: none              # solidity | none
)";

constexpr std::string_view kApiExampleJson = R"({
  "name": "clinic-booking",
  "title": "Clinic Booking",
  "description": "Appointments for a small clinic",
  "domain": "health",
  "locales": ["fr", "en", "ar"],
  "roles": ["admin", "doctor", "patient"],
  "features": ["auth", "i18n", "seo", "notifications"],
  "entities": [
    {"name": "Patient", "fields": [
      {"name": "full_name", "type": "string", "required": true},
      {"name": "email", "type": "email", "unique": true},
      {"name": "birth_date", "type": "date"}
    ]},
    {"name": "Appointment", "fields": [
      {"name": "starts_at", "type": "datetime", "required": true},
      {"name": "status", "type": "enum", "values": ["booked", "done", "cancelled"]},
      {"name": "patient", "type": "ref", "ref": "Patient"}
    ]}
  ],
  "stacks": {"frontend": "react", "backend": "express", "mobile": "none", "ai": "none",
             "devops": ["docker", "compose", "github-actions"], "blockchain": "none"}
}
)";

// --- valid specifications ---------------------------------------------------------------------------------------

TEST(ModelParse, ApiExampleIsNormalised) {
    auto r = Parse(kApiExample);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const ProjectModel& m = *r;
    EXPECT_EQ(m.name, "clinic-booking");
    EXPECT_EQ(m.title, "Clinic Booking");
    EXPECT_EQ(m.description, "Appointments for a small clinic");
    EXPECT_EQ(m.domain, "health");
    EXPECT_EQ(m.locales, (std::vector<std::string>{"fr", "en", "ar"}));
    EXPECT_EQ(m.roles, (std::vector<std::string>{"admin", "doctor", "patient"}));
    EXPECT_EQ(m.features, (std::vector<std::string>{"auth", "i18n", "seo", "notifications"}));
    ASSERT_EQ(m.entities.size(), 2u);

    const Entity& patient = m.entities[0];
    EXPECT_EQ(patient.name, "Patient");
    EXPECT_EQ(patient.table, "patients");
    EXPECT_EQ(patient.route, "/api/patients");
    EXPECT_EQ(patient.names.camel, "patient");
    EXPECT_EQ(patient.names.plural_camel, "patients");
    EXPECT_EQ(patient.names.plural_kebab, "patients");
    EXPECT_EQ(patient.names.plural_title, "Patients");
    ASSERT_EQ(patient.fields.size(), 3u);
    EXPECT_EQ(patient.fields[0].name, "full_name");
    EXPECT_EQ(patient.fields[0].type, FieldType::kString);
    EXPECT_TRUE(patient.fields[0].required);
    EXPECT_FALSE(patient.fields[0].unique);
    EXPECT_EQ(patient.fields[1].type, FieldType::kEmail);
    EXPECT_TRUE(patient.fields[1].unique);
    const Field& birth = patient.fields[2];
    EXPECT_EQ(birth.name, "birth_date");
    EXPECT_EQ(birth.type, FieldType::kDate);
    EXPECT_EQ(birth.names.camel, "birthDate");
    EXPECT_EQ(birth.names.pascal, "BirthDate");
    EXPECT_EQ(birth.names.kebab, "birth-date");
    EXPECT_EQ(birth.names.title, "Birth Date");

    const Entity& appointment = m.entities[1];
    EXPECT_EQ(appointment.table, "appointments");
    EXPECT_EQ(appointment.route, "/api/appointments");
    EXPECT_EQ(appointment.fields[1].type, FieldType::kEnum);
    EXPECT_EQ(appointment.fields[1].values, (std::vector<std::string>{"booked", "done", "cancelled"}));
    EXPECT_EQ(appointment.fields[2].type, FieldType::kRef);
    EXPECT_EQ(appointment.fields[2].ref, "Patient");

    EXPECT_EQ(m.stacks.frontend, "react");
    EXPECT_EQ(m.stacks.backend, "express");
    EXPECT_EQ(m.stacks.devops, (std::vector<std::string>{"docker", "compose", "github-actions"}));
}

TEST(ModelParse, JsonAndYamlGiveTheSameModel) {
    auto yaml = Parse(kApiExample, "spec.yaml");
    auto json = Parse(kApiExampleJson, "spec.json");
    auto sniffed = Parse(kApiExampleJson, "-");  // stdin: detected from the first character
    ASSERT_TRUE(yaml.ok()) << yaml.error().message;
    ASSERT_TRUE(json.ok()) << json.error().message;
    ASSERT_TRUE(sniffed.ok()) << sniffed.error().message;
    EXPECT_EQ(boost::json::serialize(ToJson(*yaml)), boost::json::serialize(ToJson(*json)));
    EXPECT_EQ(boost::json::serialize(ToJson(*yaml)), boost::json::serialize(ToJson(*sniffed)));
    auto value = ParseModelValue(boost::json::parse(kApiExampleJson), "request", TestVocabulary());
    ASSERT_TRUE(value.ok()) << value.error().message;
    EXPECT_EQ(boost::json::serialize(ToJson(*yaml)), boost::json::serialize(ToJson(*value)));
}

TEST(ModelParse, SpecYamlReadsBackToTheSameModel) {
    constexpr std::string_view kTricky = R"(
name: tricky
title: "yes"
description: "a: b # not a comment, 123, \"quoted\" — عيادة"
domain: custom
entities:
  - name: Item
    fields:
      - {name: label, type: string, required: true}
      - {name: state, type: enum, values: ["on", "off", "null"]}
      - {name: price, type: float}
)";
    for (std::string_view text : {kApiExample, kTricky}) {
        auto m = Parse(text);
        ASSERT_TRUE(m.ok()) << m.error().message;
        const auto spec = ToSpec(*m);
        const std::string yaml = SpecYaml(spec);
        auto again = ParseModel(yaml, "spec", TestVocabulary());
        ASSERT_TRUE(again.ok()) << again.error().message << "\n" << yaml;
        EXPECT_EQ(boost::json::serialize(ToSpec(*again)), boost::json::serialize(spec)) << yaml;
    }
    EXPECT_NE(SpecYaml(ToSpec(*Parse(kApiExample))).find("name: clinic-booking\n"), std::string::npos);
}

TEST(ModelParse, JsonStringsWithEscapesAndUnicode) {
    constexpr std::string_view kSpec = R"({
  "title": "Caf\u00e9 \"Chez L\u00e9a\" \ud83d\ude00",
  "description": "line 1\nline 2\ttab \\ back\/slash \u0645\u0631\u062d\u0628\u0627 ÉTÉ 😀",
  "entities": [{"name": "Menu\u0020Item", "fields": [{"name": "label", "type": "string"}]}]
})";
    auto r = Parse(kSpec, "spec.json");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->title, "Café \"Chez Léa\" \xF0\x9F\x98\x80");
    EXPECT_EQ(r->description, "line 1\nline 2\ttab \\ back/slash مرحبا ÉTÉ 😀");
    EXPECT_EQ(r->name, "cafe-chez-lea");
    EXPECT_EQ(r->entities[0].name, "MenuItem");
    EXPECT_EQ(r->entities[0].table, "menu_items");
    // Serialises to valid JSON and back.
    const boost::json::value out = ToJson(*r);
    EXPECT_EQ(boost::json::parse(boost::json::serialize(out)), out);
}

TEST(ModelParse, YamlFlowMapFromStdinFallsBackToYaml) {
    auto r = Parse("{name: demo, entities: [{name: Task, fields: [{name: label, type: string}]}]}", "-");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->entities[0].route, "/api/tasks");
}

TEST(ModelParse, DefaultsFillTheRest) {
    auto r = Parse("name: demo\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->name, "demo");
    EXPECT_EQ(r->title, "Demo");
    EXPECT_EQ(r->domain, "custom");
    EXPECT_EQ(r->locales, (std::vector<std::string>{"en"}));
    EXPECT_EQ(r->roles, (std::vector<std::string>{"admin", "user"}));
    EXPECT_TRUE(r->features.empty());
    EXPECT_TRUE(r->entities.empty());
    EXPECT_EQ(r->stacks.frontend, "react");
    EXPECT_EQ(r->stacks.backend, "express");
    EXPECT_EQ(r->stacks.mobile, "none");
    EXPECT_EQ(r->stacks.ai, "none");
    EXPECT_EQ(r->stacks.blockchain, "none");
    EXPECT_EQ(r->stacks.devops, (std::vector<std::string>{"docker", "compose", "github-actions"}));
}

TEST(ModelParse, EmptyValuesMeanDefaults) {
    auto r = Parse("name: demo\ndescription:\nlocales: ~\nstacks:\n  frontend: null\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->locales, (std::vector<std::string>{"en"}));
    EXPECT_EQ(r->stacks.frontend, "react");
}

TEST(ModelParse, NameIsDerivedFromTheTitle) {
    auto r = Parse("title: Cabinet Médical Éléphant\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->name, "cabinet-medical-elephant");
    EXPECT_EQ(r->title, "Cabinet Médical Éléphant");

    auto arabic = Parse("title: عيادة الأسنان\n");
    ASSERT_TRUE(arabic.ok()) << arabic.error().message;
    EXPECT_EQ(arabic->name, "project");
    EXPECT_EQ(arabic->title, "عيادة الأسنان");

    auto digits = Parse("title: 2024 Clinic Booking\n");
    ASSERT_TRUE(digits.ok());
    EXPECT_EQ(digits->name, "clinic-booking");

    auto longer =
        Parse("title: " + std::string(30, 'a') + " " + std::string(30, 'b') + " " + std::string(30, 'c') + "\n");
    ASSERT_TRUE(longer.ok());
    EXPECT_EQ(longer->name, std::string(30, 'a') + "-" + std::string(30, 'b'));
}

TEST(ModelParse, NamesAreNormalised) {
    auto r = Parse(R"(name: Clinic Booking
roles: [Admin, Head Nurse]
domain: Health
locales: [FR, en]
features: [Auth]
stacks: {frontend: Vue, devops: none}
entities:
  - name: clinic booking
    fields:
      - {name: startsAt, type: DateTime, required: True}
      - {name: Full Name, type: string}
      - {name: booked by, type: ref, ref: staff member}
  - name: staff-member
    plural: staff
    fields:
      - {name: e-mail address, type: email}
      - {name: level, type: enum, values: [Junior, Senior Lead]}
)");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->name, "clinic-booking");
    EXPECT_EQ(r->roles, (std::vector<std::string>{"admin", "head_nurse"}));
    EXPECT_EQ(r->domain, "health");
    EXPECT_EQ(r->locales, (std::vector<std::string>{"fr", "en"}));
    EXPECT_EQ(r->features, (std::vector<std::string>{"auth"}));
    EXPECT_EQ(r->stacks.frontend, "vue");
    EXPECT_TRUE(r->stacks.devops.empty());
    const Entity& booking = r->entities[0];
    EXPECT_EQ(booking.name, "ClinicBooking");
    EXPECT_EQ(booking.table, "clinic_bookings");
    EXPECT_EQ(booking.route, "/api/clinic-bookings");
    EXPECT_EQ(booking.fields[0].name, "starts_at");
    EXPECT_EQ(booking.fields[0].type, FieldType::kDatetime);
    EXPECT_TRUE(booking.fields[0].required);
    EXPECT_EQ(booking.fields[1].name, "full_name");
    EXPECT_EQ(booking.fields[2].name, "booked_by");
    EXPECT_EQ(booking.fields[2].ref, "StaffMember");
    const Entity& staff = r->entities[1];
    EXPECT_EQ(staff.name, "StaffMember");
    EXPECT_EQ(staff.table, "staff");
    EXPECT_EQ(staff.route, "/api/staff");
    EXPECT_EQ(staff.names.plural_pascal, "Staff");
    EXPECT_EQ(staff.fields[0].name, "e_mail_address");
    EXPECT_EQ(staff.fields[1].values, (std::vector<std::string>{"Junior", "Senior Lead"}));
}

TEST(ModelParse, CommonFieldNamesAreAccepted) {
    auto r = Parse(R"(name: shop
entities:
  - name: Order
    fields:
      - {name: type, type: string}
      - {name: name, type: string}
      - {name: status, type: enum, values: [new, paid]}
      - {name: date, type: date}
      - {name: key, type: string}
      - {name: value, type: float}
  - name: User
    fields:
      - {name: email, type: email}
  - name: Group
    fields:
      - {name: label, type: string}
)");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->entities[0].table, "orders");
    EXPECT_EQ(r->entities[1].table, "users");
    EXPECT_EQ(r->entities[2].table, "groups");
}

TEST(ModelJson, ToJsonSpellsEverythingOut) {
    auto r = Parse(kApiExample);
    ASSERT_TRUE(r.ok());
    const boost::json::object j = ToJson(*r).as_object();
    EXPECT_EQ(j.at("name"), "clinic-booking");
    EXPECT_EQ(j.at("default_locale"), "fr");
    EXPECT_EQ(j.at("rtl"), true);
    const auto& info = j.at("locale_info").as_array();
    ASSERT_EQ(info.size(), 3u);
    EXPECT_EQ(info[0].at("code"), "fr");
    EXPECT_EQ(info[0].at("rtl"), false);
    EXPECT_EQ(info[0].at("default"), true);
    EXPECT_EQ(info[2].at("code"), "ar");
    EXPECT_EQ(info[2].at("rtl"), true);
    EXPECT_EQ(j.at("feature_flags").at("i18n"), true);
    const auto& patient = j.at("entities").at(0).as_object();
    EXPECT_EQ(patient.at("table"), "patients");
    EXPECT_EQ(patient.at("route"), "/api/patients");
    EXPECT_EQ(patient.at("names").at("plural_pascal"), "Patients");
    const auto& birth = patient.at("fields").at(2).as_object();
    EXPECT_EQ(birth.at("type"), "date");
    EXPECT_EQ(birth.at("names").at("camel"), "birthDate");
    const auto& appointment = j.at("entities").at(1).as_object();
    const auto& status = appointment.at("fields").at(1).as_object();
    EXPECT_EQ(status.at("values").at(2), "cancelled");
    EXPECT_EQ(status.at("enum_values").at(0).at("names").at("pascal"), "Booked");
    const auto& ref = appointment.at("fields").at(2).as_object();
    EXPECT_EQ(ref.at("ref"), "Patient");
    EXPECT_EQ(ref.at("ref_table"), "patients");
    EXPECT_EQ(ref.at("ref_route"), "/api/patients");
    EXPECT_EQ(ref.at("ref_names").at("camel"), "patient");
    EXPECT_EQ(j.at("stacks").at("devops").at(1), "compose");
    EXPECT_TRUE(IsRightToLeft("ar"));
    EXPECT_TRUE(IsRightToLeft("fa-IR"));
    EXPECT_FALSE(IsRightToLeft("fr"));
}

TEST(ModelParse, LabelsAreKeptAndDefaultToTheTitle) {
    auto r = Parse(
        "name: club\nentities:\n  - name: Member\n    label: Adhérent\n    fields:\n"
        "      - {name: joined_on, type: date, label: \"Date d'adhésion\"}\n      - {name: phone, type: string}\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->entities[0].label, "Adhérent");
    EXPECT_EQ(r->entities[0].fields[0].label, "Date d'adhésion");
    const boost::json::object j = ToJson(*r).as_object();
    const auto& member = j.at("entities").at(0).as_object();
    EXPECT_EQ(member.at("label"), "Adhérent");
    EXPECT_EQ(member.at("fields").at(0).at("label"), "Date d'adhésion");
    EXPECT_EQ(member.at("fields").at(1).at("label"), "Phone") << "no label: the field's title";
    // Written back as a spec, labels survive a round trip.
    auto again = ParseModelValue(ToSpec(*r), "spec", TestVocabulary());
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->entities[0].label, "Adhérent");
    EXPECT_EQ(again->entities[0].fields[0].label, "Date d'adhésion");
    EXPECT_TRUE(again->entities[0].fields[1].label.empty());

    ExpectOneError(
        "name: club\nentities:\n  - name: Member\n    label: \"two\\nlines\"\n    fields: [{name: a, type: string}]\n",
        "spec.yaml:4", "entities[0].label", "one line expected");
    ExpectOneError("name: club\nentities:\n  - name: Member\n    label: " + std::string(121, 'x') +
                       "\n    fields: [{name: a, type: string}]\n",
                   "spec.yaml:4", "entities[0].label", "");
}

TEST(ModelParse, FileFieldsAreUploads) {
    const std::string base = "title: Docs\nentities:\n  - name: Report\n    fields:\n      - {name: scan, type: file";
    auto without = ParseModel(base + "}\n", "m.yaml", TestVocabulary());
    ASSERT_FALSE(without.ok());
    EXPECT_NE(without.error().message.find("needs the uploads feature"), std::string::npos) << without.error().message;
    EXPECT_TRUE(without.error().details.contains("entities[0].fields[0].type"));
    auto with = ParseModel("features: [uploads]\n" + base + "}\n", "m.yaml", TestVocabulary());
    ASSERT_TRUE(with.ok()) << with.error().message;
    EXPECT_EQ(with->entities[0].fields[0].type, FieldType::kFile);
    auto required =
        ParseModel("features: [uploads]\n" + base + ", required: true, unique: true}\n", "m.yaml", TestVocabulary());
    ASSERT_FALSE(required.ok());
    EXPECT_TRUE(required.error().details.contains("entities[0].fields[0].required"));
    EXPECT_TRUE(required.error().details.contains("entities[0].fields[0].unique"));
}

TEST(ModelParse, FieldTypeNamesRoundTrip) {
    ASSERT_EQ(FieldTypeNames().size(), 12u);
    for (const auto name : FieldTypeNames()) {
        const auto type = ParseFieldType(name);
        ASSERT_TRUE(type.has_value()) << name;
        EXPECT_EQ(FieldTypeName(*type), name);
    }
    EXPECT_FALSE(ParseFieldType("integer").has_value());
}

// --- syntax and shape -------------------------------------------------------------------------------------------

TEST(ModelErrors, YamlSyntaxErrorNamesTheLine) {
    ExpectOneError("name: demo\nentities: [\n  {name: A\n\n", "spec.yaml:3", "$", "invalid YAML");
    ExpectOneError("name: demo\n  title: x\n: y\n", "spec.yaml:2", "$", "invalid YAML");
}

TEST(ModelErrors, JsonSyntaxErrorNamesTheLine) {
    ExpectOneError("{\n  \"name\": \"demo\"\n  \"title\": \"x\"\n}\n", "spec.json:3", "$", "invalid JSON", "spec.json");
    ExpectOneError("{\n  \"name\": \"demo\",\n}\n", "spec.json:3", "$", "invalid JSON", "spec.json");
    ExpectOneError("{\n  \"name\": \"demo\",\n  \"roles\": [\"a\",\n", "spec.json:3", "$", "ends too early",
                   "spec.json");
    ExpectOneError("{\"name\": \"demo\"}\n\n{}", "spec.json:3", "$", "after the document", "spec.json");
    ExpectOneError("{\"name\": \"\\x\"}", "spec.json:1", "$", "invalid JSON", "spec.json");
}

TEST(ModelErrors, EmptyOrNotAMap) {
    ExpectOneError("", "spec.yaml:1", "$", "empty");
    ExpectOneError("\n# just a comment\n", "spec.yaml:1", "$", "empty");
    ExpectOneError("- a\n- b\n", "spec.yaml:1", "$", "must be a map");
    ExpectOneError("[1, 2]", "spec.json:1", "$", "must be a map", "spec.json");
    ExpectOneError("just text", "spec.yaml:1", "$", "must be a map");
}

TEST(ModelErrors, InvalidUtf8) {
    ExpectOneError("name: demo\ntitle: \xC3\x28\n", "spec.yaml:2", "$", "UTF-8");
}

TEST(ModelErrors, UnknownKeysSuggestTheClosest) {
    ExpectOneError("name: demo\nentites: []\n", "spec.yaml:2", "entites", "did you mean 'entities'?");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    feilds: []\n", "spec.yaml:4", "entities[0].feilds",
                   "did you mean 'fields'?");
    ExpectOneError(R"(name: demo
entities:
  - name: Task
    fields:
      - {name: label, type: string}
      - {name: done, type: bool, requird: true}
)",
                   "spec.yaml:6", "entities[0].fields[1].requird", "did you mean 'required'?");
    ExpectOneError("name: demo\nstacks: {frontend: vue, mobil: flutter}\n", "spec.yaml:2", "stacks.mobil",
                   "did you mean 'mobile'?");
    ExpectOneError("name: demo\nzzz: 1\n", "spec.yaml:2", "zzz", "unknown key 'zzz' (expected name, title");
}

TEST(ModelErrors, DuplicateKeys) {
    ExpectOneError("name: demo\ntitle: A\ntitle: B\n", "spec.yaml:3", "title",
                   "duplicate key 'title' (first given on line 2)");
    ExpectOneError("{\"name\": \"a\",\n \"name\": \"b\"}", "spec.json:2", "name", "duplicate key", "spec.json");
}

TEST(ModelErrors, WrongTypes) {
    ExpectOneError("name: demo\ntitle: [a, b]\n", "spec.yaml:2", "title", "a string expected, not a list");
    ExpectOneError("name: {a: 1}\n", "spec.yaml:1", "name", "a string expected, not a map");
    ExpectOneError("name: demo\nentities: {a: 1}\n", "spec.yaml:2", "entities", "a list of entities expected");
    ExpectOneError("name: demo\nlocales: fr\n", "spec.yaml:2", "locales", "a list expected");
    ExpectOneError("name: demo\nstacks: react\n", "spec.yaml:2", "stacks", "a map expected");
    ExpectOneError("name: demo\nentities:\n  - Task\n", "spec.yaml:3", "entities[0]", "an entity expected");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    fields: label\n", "spec.yaml:4", "entities[0].fields",
                   "a list of fields expected");
    ExpectOneError(R"(name: demo
entities:
  - name: Task
    fields:
      - {name: done, type: bool, required: "true"}
)",
                   "spec.yaml:5", "entities[0].fields[0].required", "true or false expected, not the string \"true\"");
    ExpectOneError(R"(name: demo
entities:
  - name: Task
    fields:
      - {name: done, type: bool, unique: yes}
)",
                   "spec.yaml:5", "entities[0].fields[0].unique", "true or false expected, not 'yes'");
}

TEST(ModelErrors, MissingNameAndFields) {
    ExpectOneError("description: nothing else\n", "spec.yaml:1", "name", "give the project a name");
    ExpectOneError("name: demo\nentities:\n  - fields: [{name: a, type: string}]\n", "spec.yaml:3", "entities[0].name",
                   "every entity needs a name");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n", "spec.yaml:3", "entities[0].fields",
                   "at least one field");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    fields: []\n", "spec.yaml:4", "entities[0].fields",
                   "at least one field");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    fields:\n      - {type: string}\n", "spec.yaml:5",
                   "entities[0].fields[0].name", "every field needs a name");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    fields:\n      - {name: label}\n", "spec.yaml:5",
                   "entities[0].fields[0].type", "every field needs a type");
}

// --- field types ------------------------------------------------------------------------------------------------

TEST(ModelErrors, UnknownFieldTypeListsTheAllowedOnes) {
    constexpr std::string_view kSpec = R"(name: demo
entities:
  - name: Task
    fields:
      - {name: label, type: string}
      - {name: count, type: integer}
)";
    const Error e = Fail(kSpec);
    EXPECT_EQ(e.message,
              "spec.yaml:6: entities[0].fields[1].type: unknown type 'integer'; did you mean 'int'? (allowed: string, "
              "text, int, float, bool, date, datetime, email, url, enum, ref, file)");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    fields:\n      - {name: a, type: strng}\n",
                   "spec.yaml:5", "entities[0].fields[0].type", "did you mean 'string'?");
}

TEST(ModelErrors, EnumNeedsValues) {
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    fields:\n      - {name: state, type: enum}\n",
                   "spec.yaml:5", "entities[0].fields[0].values", "an enum field lists its values");
    ExpectOneError(
        "name: demo\nentities:\n  - name: Task\n    fields:\n      - {name: state, type: enum, values: []}\n",
        "spec.yaml:5", "entities[0].fields[0].values", "at least one value");
    ExpectOneError(R"(name: demo
entities:
  - name: Task
    fields:
      - name: state
        type: enum
        values:
          - open
          - In Progress
          - in_progress
)",
                   "spec.yaml:10", "entities[0].fields[0].values[2]",
                   "duplicate value 'in_progress' (same as 'In Progress')");
    ExpectOneError(
        "name: demo\nentities:\n  - name: Task\n    fields:\n      - {name: state, type: enum, values: [a, 1st]}\n",
        "spec.yaml:5", "entities[0].fields[0].values[1]", "must start with a letter");
    ExpectOneError(
        "name: demo\nentities:\n  - name: Task\n    fields:\n      - {name: state, type: string, values: [a]}\n",
        "spec.yaml:5", "entities[0].fields[0].values", "values only apply to enum fields");
}

TEST(ModelErrors, RefNeedsAnExistingEntity) {
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    fields:\n      - {name: owner, type: ref}\n",
                   "spec.yaml:5", "entities[0].fields[0].ref", "names the entity it points to");
    constexpr std::string_view kMissing = R"(name: demo
entities:
  - name: Patient
    fields:
      - {name: full_name, type: string}
  - name: Appointment
    fields:
      - {name: doctor, type: ref, ref: Doctor}
)";
    const Error e = Fail(kMissing);
    EXPECT_EQ(e.message,
              "spec.yaml:8: entities[1].fields[0].ref: unknown entity 'Doctor' (entities: Patient, "
              "Appointment)");
    ExpectOneError(R"(name: demo
entities:
  - name: Patient
    fields:
      - {name: full_name, type: string}
  - name: Appointment
    fields:
      - {name: patient, type: ref, ref: Patiant}
)",
                   "spec.yaml:8", "entities[1].fields[0].ref", "did you mean 'Patient'?");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    fields:\n      - {name: a, type: string, ref: Task}\n",
                   "spec.yaml:5", "entities[0].fields[0].ref", "ref only applies to ref fields");
    ExpectOneError(R"(name: demo
entities:
  - name: Patient
    fields:
      - {name: full_name, type: string}
  - name: Appointment
    fields:
      - {name: patient, type: ref, ref: patient}
      - {name: patient_id, type: int}
)",
                   "spec.yaml:9", "entities[1].fields[1].name", "clashes with the column");
}

TEST(ModelParse, RefToItselfAndCaseInsensitiveTarget) {
    auto r = Parse(R"(name: demo
entities:
  - name: employee
    fields:
      - {name: manager, type: ref, ref: EMPLOYEE}
)");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->entities[0].fields[0].ref, "Employee");
}

// --- names ------------------------------------------------------------------------------------------------------

TEST(ModelErrors, DuplicateEntitiesAndFields) {
    ExpectOneError(R"(name: demo
entities:
  - name: Clinic Booking
    fields: [{name: a, type: string}]
  - name: clinicBooking
    fields: [{name: a, type: string}]
)",
                   "spec.yaml:5", "entities[1].name", "duplicate entity 'ClinicBooking' (also entities[0])");
    ExpectOneError(R"(name: demo
entities:
  - name: Task
    fields:
      - {name: birth_date, type: date}
      - {name: birthDate, type: date}
)",
                   "spec.yaml:6", "entities[0].fields[1].name", "duplicate field 'birth_date' (also fields[0])");
}

TEST(ModelErrors, NamesMustBeIdentifiers) {
    ExpectOneError("name: demo\nentities:\n  - name: 2fa\n    fields: [{name: a, type: string}]\n", "spec.yaml:3",
                   "entities[0].name", "must start with a letter");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    fields: [{name: a.b, type: string}]\n", "spec.yaml:4",
                   "entities[0].fields[0].name", "contains '.', which is not allowed");
    ExpectOneError("name: demo\nentities:\n  - name: مريض\n    fields: [{name: a, type: string}]\n", "spec.yaml:3",
                   "entities[0].name", "not a Latin letter");
    ExpectOneError("name: demo\nentities:\n  - name: _Task\n    fields: [{name: a, type: string}]\n", "spec.yaml:3",
                   "entities[0].name", "must start with a letter");
    ExpectOneError("name: 123\n", "spec.yaml:1", "name", "must start with a letter");
    ExpectOneError("name: demo\nroles: [admin, head nurse, 'x!']\n", "spec.yaml:2", "roles[2]",
                   "role 'x!' contains '!'");
    ExpectOneError("name: demo\nroles: [admin, Admin]\n", "spec.yaml:2", "roles[1]", "duplicate role 'admin'");
    ExpectOneError("name: demo\nroles: []\n", "spec.yaml:2", "roles", "at least one role");
    // Accented Latin letters are fine and transliterated.
    auto r = Parse("name: demo\nentities:\n  - name: Élève\n    fields: [{name: prénom, type: string}]\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->entities[0].name, "Eleve");
    EXPECT_EQ(r->entities[0].fields[0].name, "prenom");
}

TEST(ModelErrors, ReservedWordsNameTheLanguages) {
    const auto field = [](std::string_view name) {
        return "name: demo\nentities:\n  - name: Task\n    fields:\n      - {name: " + std::string(name) +
               ", type: string}\n";
    };
    ExpectOneError(field("class"), "spec.yaml:5", "entities[0].fields[0].name",
                   "'class' is a reserved word in JavaScript/TypeScript and Python");
    ExpectOneError(field("from"), "spec.yaml:5", "entities[0].fields[0].name",
                   "reserved word in Python and SQL (PostgreSQL)");
    ExpectOneError(field("order"), "spec.yaml:5", "entities[0].fields[0].name", "reserved word in SQL (PostgreSQL)");
    ExpectOneError(field("user"), "spec.yaml:5", "entities[0].fields[0].name", "reserved word in SQL (PostgreSQL)");
    ExpectOneError(field("default"), "spec.yaml:5", "entities[0].fields[0].name",
                   "reserved word in JavaScript/TypeScript and SQL (PostgreSQL)");
    ExpectOneError(field("def"), "spec.yaml:5", "entities[0].fields[0].name", "e.g. 'task_def'");
    ExpectOneError(field("ID"), "spec.yaml:5", "entities[0].fields[0].name",
                   "'id' is added to every entity by the generated code");

    const auto entity = [](std::string_view name) {
        return "name: demo\nentities:\n  - name: " + std::string(name) + "\n    fields: [{name: a, type: string}]\n";
    };
    ExpectOneError(entity("Class"), "spec.yaml:3", "entities[0].name",
                   "'class' is a reserved word in JavaScript/TypeScript and Python");
    ExpectOneError(entity("Case"), "spec.yaml:3", "entities[0].name", "JavaScript/TypeScript");
    ExpectOneError(entity("None"), "spec.yaml:3", "entities[0].name", "Python");
    ExpectOneError(entity("Date"), "spec.yaml:3", "entities[0].name", "built-in Date");
    ExpectOneError(entity("Index"), "spec.yaml:3", "entities[0].name", "e.g. 'IndexEntry'");
    // Entities called after SQL keywords are fine: their tables are plural.
    for (const char* ok : {"Order", "Group", "User", "Table", "Type", "Status"}) {
        auto r = Parse(entity(ok));
        EXPECT_TRUE(r.ok()) << ok << ": " << r.error().message;
    }
}

TEST(ModelErrors, EntitiesNeedADistinctPlural) {
    ExpectOneError("name: demo\nentities:\n  - name: Patients\n    fields: [{name: a, type: string}]\n", "spec.yaml:3",
                   "entities[0].name", "reads the same in the singular and the plural");
    ExpectOneError("name: demo\nentities:\n  - name: Equipment\n    fields: [{name: a, type: string}]\n", "spec.yaml:3",
                   "entities[0].name", "give the plural with 'plural:'");
    auto r = Parse(
        "name: demo\nentities:\n  - name: Equipment\n    plural: equipment items\n"
        "    fields: [{name: a, type: string}]\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->entities[0].table, "equipment_items");
    EXPECT_EQ(r->entities[0].route, "/api/equipment-items");
    ExpectOneError("name: demo\nentities:\n  - name: Task\n    plural: task\n    fields: [{name: a, type: string}]\n",
                   "spec.yaml:4", "entities[0].plural", "must differ from the singular");
}

TEST(ModelErrors, Limits) {
    std::string many = "name: demo\nentities:\n";
    for (int i = 0; i < 51; ++i) {
        many += "  - {name: E" + std::string(1, static_cast<char>('a' + i % 26)) +
                std::string(static_cast<std::size_t>(i / 26 + 1), 'x') + ", fields: [{name: a, type: string}]}\n";
    }
    ExpectOneError(many, "spec.yaml:2", "entities", "at most 50 entities (found 51)");

    std::string wide = "name: demo\nentities:\n  - name: Task\n    fields:\n";
    for (int i = 0; i < 101; ++i) wide += "      - {name: f" + std::to_string(i) + ", type: string}\n";
    ExpectOneError(wide, "spec.yaml:4", "entities[0].fields", "at most 100 fields (found 101)");

    ExpectOneError("name: " + std::string(65, 'a') + "\n", "spec.yaml:1", "name",
                   "65 characters long; the limit is 64");
    auto ok = Parse("name: " + std::string(64, 'a') + "\n");
    EXPECT_TRUE(ok.ok());
    ExpectOneError(
        "name: demo\nentities:\n  - name: Task\n    fields: [{name: " + std::string(65, 'f') + ", type: string}]\n",
        "spec.yaml:4", "entities[0].fields[0].name", "the limit is 64");
}

// --- vocabulary -------------------------------------------------------------------------------------------------

TEST(ModelErrors, VocabularyValues) {
    ExpectOneError(
        "name: demo\ndomain: helth\n", "spec.yaml:2", "domain",
        "unknown domain 'helth'; did you mean 'health'? (known: health, education, commerce, legal, custom)");
    EXPECT_TRUE(Parse("name: demo\ndomain: custom\n").ok());
    ExpectOneError("name: demo\nfeatures: [auth, serch]\n", "spec.yaml:2", "features[1]",
                   "unknown feature 'serch'; did you mean 'search'?");
    ExpectOneError("name: demo\nlocales: [fr, de]\n", "spec.yaml:2", "locales[1]",
                   "unknown locale 'de' (supported: fr, en, ar)");
    ExpectOneError("name: demo\nlocales: []\n", "spec.yaml:2", "locales", "at least one locale");
    ExpectOneError("name: demo\nstacks:\n  frontend: angular\n", "spec.yaml:3", "stacks.frontend",
                   "unknown frontend stack 'angular' (known: react, vue, svelte, none)");
    ExpectOneError("name: demo\nstacks:\n  backend: flsk\n", "spec.yaml:3", "stacks.backend", "did you mean 'flask'?");
    ExpectOneError("name: demo\nstacks:\n  devops: [docker, k8s]\n", "spec.yaml:3", "stacks.devops[1]",
                   "unknown devops tool 'k8s'; did you mean 'kubernetes'?");
    ExpectOneError("name: demo\nstacks:\n  ai: none\n  blockchain: ethereum\n", "spec.yaml:4", "stacks.blockchain",
                   "did you mean 'solidity'?");
}

// --- several problems -------------------------------------------------------------------------------------------

TEST(ModelErrors, AllProblemsAreCollected) {
    constexpr std::string_view kSpec = R"(name: demo
domain: helth
entities:
  - name: Task
    fields:
      - {name: label, type: strng}
      - {name: class, type: string}
  - name: Note
    fields:
      - {name: task, type: ref, ref: Tsk}
)";
    const Error e = Fail(kSpec);
    EXPECT_EQ(e.message.rfind("spec.yaml:2: domain: unknown domain 'helth'", 0), 0u) << e.message;
    EXPECT_NE(e.message.find("(and 3 more)"), std::string::npos) << e.message;
    ASSERT_EQ(e.details.size(), 4u);
    EXPECT_TRUE(e.details.contains("domain"));
    EXPECT_TRUE(e.details.contains("entities[0].fields[0].type"));
    EXPECT_TRUE(e.details.contains("entities[0].fields[1].name"));
    EXPECT_NE(e.details.at("entities[1].fields[0].ref").find("did you mean 'Task'?"), std::string::npos);
}

TEST(ModelErrors, JsonErrorsHaveLinesToo) {
    constexpr std::string_view kSpec = R"({
  "name": "demo",
  "entities": [
    {
      "name": "Task",
      "fields": [
        {"name": "label", "type": "string"},
        {"name": "count",
         "type": "integer"}
      ]
    }
  ]
})";
    const Error e = Fail(kSpec, "spec.json");
    EXPECT_EQ(e.message.rfind("spec.json:9: entities[0].fields[1].type: unknown type 'integer'", 0), 0u) << e.message;
    const Error unknown = Fail("{\n  \"name\": \"demo\",\n  \"entites\": []\n}", "spec.json");
    EXPECT_EQ(unknown.message.rfind("spec.json:3: entites: unknown key 'entites'; did you mean 'entities'?", 0), 0u)
        << unknown.message;
}

TEST(ModelErrors, JsonValuesHaveNoLines) {
    const auto value = boost::json::parse(
        R"({"name": "demo", "entities": [{"name": "Task", "fields": [{"name": "a", "type": "integer"}]}]})");
    auto r = ParseModelValue(value, "request", TestVocabulary());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.rfind("request: entities[0].fields[0].type: unknown type 'integer'", 0), 0u)
        << r.error().message;
}

TEST(ModelErrors, HostileDocumentsAreRejectedCheaply) {
    // An alias bomb: 10^7 values once expanded.
    std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i <= 7; ++i) {
        bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k) bomb += std::string(k == 0 ? "" : ", ") + "*a" + std::to_string(i - 1);
        bomb += "]\n";
    }
    const Error e = Fail(bomb);
    EXPECT_NE(e.message.find("too large"), std::string::npos) << e.message;
    const Error deep = Fail(std::string(200, '[') + std::string(200, ']'), "spec.json");
    EXPECT_NE(deep.message.find("invalid JSON"), std::string::npos) << deep.message;
    const Error recursive = Fail("a: &a [*a]\n");
    EXPECT_NE(recursive.message.find("an alias refers to a value that contains it"), std::string::npos)
        << recursive.message;
    // yaml-cpp's LoadAll never returns on these; the parser is driven one document at a time instead.
    EXPECT_FALSE(Fail(",").message.empty());
    EXPECT_FALSE(Fail("name: demo\n,\n").message.empty());
}

}  // namespace
}  // namespace dihya::model

namespace dihya::model {
namespace {

TEST(ModelErrorsCycles, RequiredReferenceCyclesAreRefused) {
    Vocabulary vocab;
    vocab.stacks = {
        {"frontend", {"react"}}, {"backend", {"express"}}, {"devops", {"docker", "compose", "github-actions"}}};
    auto self = ParseModel(
        "title: T\nentities:\n  - name: Node\n    fields:\n      - {name: parent, type: ref, ref: Node, required: "
        "true}\n",
        "self.yaml", vocab);
    ASSERT_FALSE(self.ok());
    EXPECT_NE(self.error().message.find("self.yaml:5"), std::string::npos) << self.error().message;
    auto optional_self =
        ParseModel("title: T\nentities:\n  - name: Node\n    fields:\n      - {name: parent, type: ref, ref: Node}\n",
                   "ok.yaml", vocab);
    EXPECT_TRUE(optional_self.ok()) << optional_self.error().message;
    auto pair = ParseModel(
        "title: T\nentities:\n  - name: Egg\n    fields:\n      - {name: hen, type: ref, ref: Hen, required: true}\n"
        "  - name: Hen\n    fields:\n      - {name: egg, type: ref, ref: Egg, required: true}\n",
        "pair.yaml", vocab);
    ASSERT_FALSE(pair.ok());
    EXPECT_EQ(pair.error().details.size(), 2u);
}

}  // namespace
}  // namespace dihya::model

namespace dihya::model {
namespace {

TEST(ModelSpec, ToSpecRoundTripsACustomPlural) {
    auto m = ParseModel(
        "title: T\nentities:\n  - name: Person\n    plural: Folks\n    fields: [{name: age, type: int}]\n"
        "  - name: Book\n    fields: [{name: title, type: string}]\n",
        "spec.yaml", TestVocabulary());
    ASSERT_TRUE(m.ok()) << m.error().message;
    const boost::json::value spec = ToSpec(*m);
    const auto& entities = spec.at("entities").as_array();
    EXPECT_EQ(entities[0].at("plural").as_string(), "Folks");
    EXPECT_EQ(entities[1].as_object().if_contains("plural"), nullptr) << "a derived plural is not written out";
    auto again = ParseModelValue(spec, "spec", TestVocabulary());
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->entities[0].names.plural_kebab, "folks");
    EXPECT_EQ(again->entities[0].table, m->entities[0].table);
}

}  // namespace
}  // namespace dihya::model
