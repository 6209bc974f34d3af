#include "auth/password_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace dihya::auth {

namespace {

// Common passwords and the words they are built on (lists of leaked passwords in English, French and Arabic
// transliteration). Compared after lower-casing and removing everything but letters and digits, and again with
// leading/trailing digits removed, so "Password2024!" and "123azerty" match.
constexpr auto kCommon = std::to_array<std::string_view>({
    "password",      "passw0rd",   "motdepasse",
    "motdepass",     "azerty",     "azertyuiop",
    "qwerty",        "qwertyuiop", "qwertz",
    "letmein",       "welcome",    "bienvenue",
    "iloveyou",      "jetaime",    "admin",
    "administrator", "root",       "toor",
    "user",          "monkey",     "dragon",
    "football",      "baseball",   "soccer",
    "basketball",    "hockey",     "sunshine",
    "princess",      "princesse",  "master",
    "shadow",        "superman",   "batman",
    "starwars",      "pokemon",    "michael",
    "jennifer",      "jordan",     "charlie",
    "trustno",       "whatever",   "freedom",
    "liberte",       "soleil",     "bonjour",
    "doudou",        "chouchou",   "loulou",
    "marseille",     "paris",      "london",
    "algerie",       "maroc",      "tunisie",
    "france",        "dihya",      "changeme",
    "changeit",      "secret",     "secure",
    "security",      "login",      "access",
    "default",       "guest",      "test",
    "testing",       "demo",       "sample",
    "example",       "hello",      "helloworld",
    "computer",      "internet",   "samsung",
    "google",        "apple",      "microsoft",
    "facebook",      "linkedin",   "twitter",
    "instagram",     "youtube",    "nintendo",
    "playstation",   "xbox",       "minecraft",
    "fortnite",      "lovely",     "loveme",
    "iloveu",        "mylove",     "babygirl",
    "angel",         "cookie",     "cheese",
    "chocolate",     "banana",     "summer",
    "winter",        "spring",     "autumn",
    "monday",        "friday",     "january",
    "december",      "matrix",     "killer",
    "hunter",        "ranger",     "buster",
    "tigger",        "ginger",     "pepper",
    "maggie",        "daniel",     "thomas",
    "nicolas",       "mohamed",    "mohammed",
    "ahmed",         "karim",      "yacine",
    "amine",         "fatima",     "allah",
    "bismillah",     "habibi",     "inshallah",
    "mashallah",     "azerty123",  "abc123",
    "abcdef",        "abcdefgh",   "qazwsx",
    "qazwsxedc",     "zaqxsw",     "1q2w3e",
    "1q2w3e4r",      "1q2w3e4r5t", "1qaz2wsx",
    "q1w2e3r4",      "zxcvbnm",    "asdfgh",
    "asdfghjkl",     "poiuytreza", "correcthorsebatterystaple",
    "opensesame",    "letmeinnow", "passwordpassword",
    "iloveyoutoo",   "blink182",   "superstar",
    "rockstar",      "wizard",     "phoenix",
    "mustang",       "ferrari",    "porsche",
    "harley",        "jesus",      "christ",
});

constexpr auto kRows = std::to_array<std::string_view>(
    {"qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn", "1234567890", "0987654321"});

std::size_t CodePoints(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](unsigned char ch) { return (ch & 0xC0) != 0x80; }));
}

std::string Normalise(std::string_view s) {
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) != 0)
            out.push_back(static_cast<char>(std::tolower(ch)));
        else if (ch >= 0x80)
            out.push_back(static_cast<char>(ch));  // keep non-ASCII letters as they are
    }
    return out;
}

std::string_view TrimDigits(std::string_view s) {
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
    return s;
}

bool IsCommon(std::string_view word) {
    return std::find(kCommon.begin(), kCommon.end(), word) != kCommon.end();
}

/// One character repeated, a short unit repeated ("abcabcabc"), or a run up or down ("123456…", "abcdef…", or a
/// keyboard row).
bool IsTrivial(const std::string& s) {
    if (s.size() < 2) return true;
    for (std::size_t unit = 1; unit <= s.size() / 2; ++unit) {
        bool repeats = true;
        for (std::size_t i = unit; i < s.size() && repeats; ++i) repeats = s[i] == s[i - unit];
        if (repeats) return true;
    }
    bool up = true, down = true;
    for (std::size_t i = 1; i < s.size(); ++i) {
        up = up && s[i] == s[i - 1] + 1;
        down = down && s[i] == s[i - 1] - 1;
    }
    if (up || down) return true;
    for (auto row : kRows) {
        if (row.find(s) != std::string_view::npos ||
            (s.size() >= row.size() && s.find(row) == 0 && TrimDigits(s.substr(row.size())).empty())) {
            return true;
        }
    }
    return false;
}

std::size_t Words(std::string_view s) {
    std::size_t words = 0, letters = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        const bool sep = i == s.size() || s[i] == ' ' || s[i] == '-' || s[i] == '_' || s[i] == '.';
        if (!sep) {
            ++letters;
            continue;
        }
        if (letters >= 2) ++words;
        letters = 0;
    }
    return words;
}

}  // namespace

Result<void> CheckPassword(std::string_view password, std::string_view email) {
    auto bad = [](std::string reason) {
        return MakeError(ErrorCode::kInvalidArgument, "password " + reason, {{"password", reason}});
    };
    if (password.size() > 1024) return bad("must be at most 1024 bytes");
    const std::size_t length = CodePoints(password);
    const bool passphrase = Words(password) >= 4 && length >= 10;
    if (length < 12 && !passphrase) {
        return bad("must be at least 12 characters long, or a passphrase of at least four words");
    }
    const std::string norm = Normalise(password);
    const std::string_view core = TrimDigits(norm);
    if (IsCommon(norm) || IsCommon(core) || (core.empty() && IsTrivial(norm))) {
        return bad("is too common: choose words of your own, a passphrase works well");
    }
    if (IsTrivial(norm) || IsTrivial(std::string(core))) {
        return bad("is a repetition or a sequence: choose words of your own, a passphrase works well");
    }
    // A common word repeated or padded with digits and symbols ("passwordpassword", "azerty!!2024", "1q2w3e4r5t6y").
    for (const std::string_view candidate : {std::string_view(norm), core}) {
        for (auto word : kCommon) {
            if (word.size() < 4 || candidate.size() > word.size() * 3 ||
                candidate.find(word) == std::string_view::npos) {
                continue;
            }
            std::string rest(candidate);
            for (auto pos = rest.find(word); pos != std::string::npos; pos = rest.find(word))
                rest.erase(pos, word.size());
            if (rest.size() <= 2 || IsTrivial(rest) || TrimDigits(rest).empty()) {
                return bad("is too common: choose words of your own, a passphrase works well");
            }
        }
    }
    if (!email.empty()) {
        std::string e(email);
        std::transform(e.begin(), e.end(), e.begin(), [](unsigned char ch) { return std::tolower(ch); });
        const std::string local = Normalise(e.substr(0, e.find('@')));
        if (norm == Normalise(e) || (local.size() >= 4 && core == local) ||
            (local.size() >= 6 && norm.find(local) != std::string::npos && norm.size() < local.size() + 6)) {
            return bad("must not be based on your email address");
        }
    }
    return Ok();
}

}  // namespace dihya::auth
