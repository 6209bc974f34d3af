#include "model/names.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "model/reserved_words.hpp"

namespace dihya::model {
namespace {

TEST(ModelNames, SpellsAPhraseEveryWay) {
    const Names n = MakeNames("clinic booking");
    EXPECT_EQ(n.pascal, "ClinicBooking");
    EXPECT_EQ(n.camel, "clinicBooking");
    EXPECT_EQ(n.snake, "clinic_booking");
    EXPECT_EQ(n.kebab, "clinic-booking");
    EXPECT_EQ(n.title, "Clinic Booking");
    EXPECT_EQ(n.plural_pascal, "ClinicBookings");
    EXPECT_EQ(n.plural_camel, "clinicBookings");
    EXPECT_EQ(n.plural_snake, "clinic_bookings");
    EXPECT_EQ(n.plural_kebab, "clinic-bookings");
    EXPECT_EQ(n.plural_title, "Clinic Bookings");
}

TEST(ModelNames, AnyCaseGivesTheSameWords) {
    for (const char* input : {"ClinicBooking", "clinicBooking", "clinic_booking", "clinic-booking", "CLINIC_BOOKING",
                              "  Clinic   Booking  ", "clinic.booking"}) {
        const Names n = MakeNames(input);
        EXPECT_EQ(n.snake, "clinic_booking") << input;
        EXPECT_EQ(n.pascal, "ClinicBooking") << input;
    }
}

TEST(ModelNames, AcronymsSplitAndStayUpperCaseInTitles) {
    const Names n = MakeNames("HTTPServer");
    EXPECT_EQ(n.snake, "http_server");
    EXPECT_EQ(n.pascal, "HttpServer");
    EXPECT_EQ(n.camel, "httpServer");
    EXPECT_EQ(n.title, "HTTP Server");
    EXPECT_EQ(MakeNames("HTTP2Server").snake, "http2_server");
    EXPECT_EQ(MakeNames("userID").snake, "user_id");
    const Names api = MakeNames("API");
    EXPECT_EQ(api.plural_title, "APIs");
    EXPECT_EQ(api.plural_snake, "apis");
}

TEST(ModelNames, HyphensAndAccents) {
    const Names n = MakeNames("rendez-vous");
    EXPECT_EQ(n.pascal, "RendezVous");
    EXPECT_EQ(n.snake, "rendez_vous");
    EXPECT_EQ(n.kebab, "rendez-vous");
    EXPECT_EQ(n.title, "Rendez-Vous");
    EXPECT_EQ(MakeNames("Rendez-vous").camel, "rendezVous");

    const Names e = MakeNames("e-mail address");
    EXPECT_EQ(e.snake, "e_mail_address");
    EXPECT_EQ(e.camel, "eMailAddress");
    EXPECT_EQ(e.pascal, "EMailAddress");
    EXPECT_EQ(e.title, "E-Mail Address");
    EXPECT_EQ(e.plural_snake, "e_mail_addresses");
    EXPECT_EQ(e.plural_title, "E-Mail Addresses");

    EXPECT_EQ(MakeNames("Médecin traitant").pascal, "MedecinTraitant");
    EXPECT_EQ(MakeNames("Größe").snake, "grosse");
    EXPECT_EQ(MakeNames("cœur").snake, "coeur");
    EXPECT_EQ(MakeNames("Ștefan Łukasz").snake, "stefan_lukasz");
}

TEST(ModelNames, NonLatinLettersAreDropped) {
    EXPECT_EQ(MakeNames("عيادة").snake, "");
    EXPECT_EQ(MakeNames("عيادة clinic").snake, "clinic");
    EXPECT_EQ(MakeNames("").pascal, "");
    EXPECT_EQ(MakeNames("\xff\xfe abc").snake, "abc");  // invalid UTF-8 separates words
}

TEST(ModelNames, DigitsStayInTheirWord) {
    const Names n = MakeNames("address_line2");
    EXPECT_EQ(n.camel, "addressLine2");
    EXPECT_EQ(n.plural_snake, "address_line2s");
}

TEST(ModelNames, TransliterateReportsWhatItDrops) {
    bool complete = false;
    EXPECT_EQ(TransliterateLatin("Élève", &complete), "Eleve");
    EXPECT_TRUE(complete);
    EXPECT_EQ(TransliterateLatin("a×b", &complete), "ab");
    EXPECT_FALSE(complete);
    EXPECT_EQ(TransliterateLatin("مرحبا", &complete), "");
    EXPECT_FALSE(complete);
}

TEST(ModelPluralize, EnglishTable) {
    const std::vector<std::pair<std::string, std::string>> table = {
        {"person", "people"},
        {"category", "categories"},
        {"status", "statuses"},
        {"box", "boxes"},
        {"child", "children"},
        {"address", "addresses"},
        {"patient", "patients"},
        {"day", "days"},
        {"company", "companies"},
        {"key", "keys"},
        {"class", "classes"},
        {"bus", "buses"},
        {"campus", "campuses"},
        {"analysis", "analyses"},
        {"diagnosis", "diagnoses"},
        {"axis", "axes"},
        {"leaf", "leaves"},
        {"knife", "knives"},
        {"wife", "wives"},
        {"shelf", "shelves"},
        {"roof", "roofs"},
        {"chef", "chefs"},
        {"cafe", "cafes"},
        {"safe", "safes"},
        {"photo", "photos"},
        {"video", "videos"},
        {"hero", "heroes"},
        {"potato", "potatoes"},
        {"church", "churches"},
        {"dish", "dishes"},
        {"stomach", "stomachs"},
        {"quiz", "quizzes"},
        {"waltz", "waltzes"},
        {"index", "indexes"},
        {"matrix", "matrices"},
        {"man", "men"},
        {"woman", "women"},
        {"chairman", "chairmen"},
        {"human", "humans"},
        {"salesperson", "salespeople"},
        {"grandchild", "grandchildren"},
        {"datum", "data"},
        {"criterion", "criteria"},
        {"medium", "media"},
        {"stadium", "stadiums"},
        {"premium", "premiums"},
        {"album", "albums"},
        {"tooth", "teeth"},
        {"foot", "feet"},
        {"mouse", "mice"},
        {"ox", "oxen"},
        {"cactus", "cacti"},
        {"virus", "viruses"},
        {"bonus", "bonuses"},
        {"gas", "gases"},
        {"canvas", "canvases"},
        {"alias", "aliases"},
        {"lens", "lenses"},
        {"menu", "menus"},
        {"invoice", "invoices"},
        {"sheep", "sheep"},
        {"news", "news"},
        {"equipment", "equipment"},
        {"series", "series"},
        {"patients", "patients"},
        {"ideas", "ideas"},
        {"people", "people"},
        {"menus", "menus"},
        {"boy", "boys"},
        {"survey", "surveys"},
        {"soliloquy", "soliloquies"},
        {"city", "cities"},
    };
    for (const auto& [singular, plural] : table) EXPECT_EQ(Pluralize(singular), plural) << singular;
}

TEST(ModelPluralize, KeepsCaseAndInflectsTheLastWord) {
    EXPECT_EQ(Pluralize("Person"), "People");
    EXPECT_EQ(Pluralize("Category"), "Categories");
    EXPECT_EQ(Pluralize("API"), "APIs");
    EXPECT_EQ(Pluralize("e-mail address"), "e-mail addresses");
    EXPECT_EQ(Pluralize("sales person"), "sales people");
    EXPECT_EQ(Pluralize("Line2"), "Line2s");
    EXPECT_EQ(Pluralize(""), "");
    EXPECT_EQ(Pluralize("--"), "--");
}

TEST(ModelReservedWords, ListsTheLanguages) {
    EXPECT_EQ(ReservedIn("class").Languages(), "JavaScript/TypeScript and Python");
    EXPECT_EQ(ReservedIn("from").Languages(), "Python and SQL (PostgreSQL)");
    EXPECT_EQ(ReservedIn("order").Languages(), "SQL (PostgreSQL)");
    EXPECT_EQ(ReservedIn("default").Languages(), "JavaScript/TypeScript and SQL (PostgreSQL)");
    EXPECT_EQ(ReservedIn("def").Languages(), "Python");
    EXPECT_EQ(ReservedIn("user").Languages(), "SQL (PostgreSQL)");
    EXPECT_TRUE(ReservedIn("None").python);
    EXPECT_EQ(ReservedIn("save").Languages(), "Django models");
    EXPECT_EQ(ReservedIn("objects").Languages(), "Django models");
    // Common names that are fine everywhere (non-reserved keywords at most).
    for (const char* ok : {"type", "name", "status", "id", "date", "time", "value", "key", "index", "position",
                           "comment", "title", "level", "role", "email", "amount", "data", "event", "address"}) {
        EXPECT_FALSE(ReservedIn(ok).Any()) << ok;
    }
    EXPECT_EQ(ShadowedJavaScriptBuiltin("Date"), "Date");
    EXPECT_EQ(ShadowedJavaScriptBuiltin("Order"), "");
}

}  // namespace
}  // namespace dihya::model
