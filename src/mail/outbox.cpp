#include "mail/outbox.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <system_error>

#include <boost/json.hpp>
#include <sys/stat.h>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/files.hpp"
#include "core/text.hpp"

namespace dihya::mail {

namespace fs = std::filesystem;

namespace {

/// The address in the message's To: header (Render writes it bare), lower-cased; "" when absent.
std::string RecipientOf(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) break;  // end of the headers
        if (line.size() > 3 && (line.compare(0, 3, "To:") == 0 || line.compare(0, 3, "to:") == 0)) {
            std::string to = line.substr(3);
            to.erase(0, to.find_first_not_of(" \t"));
            to.erase(to.find_last_not_of(" \t") + 1);
            if (const auto lt = to.find('<'); lt != std::string::npos) {
                const auto gt = to.find('>', lt);
                to = to.substr(lt + 1, gt == std::string::npos ? std::string::npos : gt - lt - 1);
            }
            return AsciiLower(to);
        }
    }
    return "";
}

/// <stamp>-<kind>-<random>.eml, stamp = FormatTime with ':' as '-': the time and the kind, or nullopt.
std::optional<OutboxItem> ItemOf(const fs::path& file) {
    const std::string name = file.filename().string();
    if (!name.ends_with(".eml") || name.size() < 20) return std::nullopt;
    // FormatTime: 2026-12-01T23:14:15.123Z (24 characters); without milliseconds 20.
    const auto z = name.find('Z');
    if (z == std::string::npos) return std::nullopt;
    std::string stamp = name.substr(0, z + 1);
    const auto t = stamp.find('T');
    if (t == std::string::npos) return std::nullopt;
    std::replace(stamp.begin() + static_cast<std::ptrdiff_t>(t), stamp.end(), '-', ':');
    if (!ParseTime(stamp)) return std::nullopt;
    // "-<kind>-<random>": the random part is RandomToken(6), 8 base64url characters (which may hold '-').
    const std::string rest = name.substr(z + 1, name.size() - z - 1 - 4);
    std::string kind;
    constexpr std::size_t kRandom = 8;
    if (rest.size() > kRandom + 2 && rest[0] == '-' && rest[rest.size() - kRandom - 1] == '-') {
        kind = rest.substr(1, rest.size() - kRandom - 2);
    }
    return OutboxItem{name, kind, stamp};
}

std::vector<fs::path> Files(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::error_code error;
        if (entry.is_regular_file(error) && entry.path().extension() == ".eml") out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

Outbox::Outbox(fs::path dir, std::string from, std::chrono::hours keep)
    : dir_(std::move(dir)), from_(std::move(from)), keep_(keep) {}

Result<void> Outbox::Deliver(const Message& m) {
    {
        std::lock_guard lock(mu_);
        if (auto dir = MakePrivateDir(dir_); !dir) return dir;
        std::string stamp = FormatTime(std::chrono::system_clock::now());
        std::replace(stamp.begin(), stamp.end(), ':', '-');
        const auto path = dir_ / (stamp + "-" + m.kind + "-" + crypto::RandomToken(6) + ".eml");
        {
            std::ofstream out(path, std::ios::binary);
            out << Render(m, from_, "localhost");
            if (!out) return MakeError(ErrorCode::kUnavailable, "outbox: cannot write " + path.string());
        }
        ::chmod(path.c_str(), 0600);
    }
    auto purged = PurgeBefore(std::chrono::system_clock::now() - keep_);
    if (!purged) return purged.take_error();
    return Ok();
}

Result<std::vector<OutboxItem>> Outbox::AddressedTo(const std::string& email) const {
    std::lock_guard lock(mu_);
    std::vector<OutboxItem> out;
    const std::string wanted = AsciiLower(email);
    for (const fs::path& f : Files(dir_)) {
        if (RecipientOf(f) != wanted) continue;
        auto item = ItemOf(f);
        out.push_back(item ? *item : OutboxItem{f.filename().string(), "", ""});
    }
    return out;
}

Result<std::size_t> Outbox::EraseAddressedTo(const std::string& email) {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    const std::string wanted = AsciiLower(email);
    for (const fs::path& f : Files(dir_)) {
        if (RecipientOf(f) != wanted) continue;
        std::error_code ec;
        if (!fs::remove(f, ec) && ec) {
            return MakeError(ErrorCode::kUnavailable, "outbox: cannot delete " + f.filename().string());
        }
        ++n;
    }
    return n;
}

Result<std::size_t> Outbox::PurgeBefore(std::chrono::system_clock::time_point before) {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const fs::path& f : Files(dir_)) {
        auto item = ItemOf(f);
        if (!item) continue;  // not ours: left alone
        auto t = ParseTime(item->sent_at);
        if (!t || *t >= before) continue;
        std::error_code ec;
        if (fs::remove(f, ec)) ++n;
    }
    return n;
}

Result<boost::json::value> OutboxData::Export(storage::Session& s, const std::string& user_id) {
    auto email = email_of_(s, user_id);
    if (!email) return email.take_error();
    auto items = outbox_.AddressedTo(*email);
    if (!items) return items.take_error();
    boost::json::array out;
    for (const auto& i : *items) out.push_back({{"kind", i.kind}, {"sent_at", i.sent_at}, {"file", i.file}});
    return boost::json::value(std::move(out));
}

Result<void> OutboxData::Erase(storage::Session& s, const std::string& user_id) {
    auto email = email_of_(s, user_id);
    if (!email) return email.take_error();
    auto n = outbox_.EraseAddressedTo(*email);
    if (!n) return n.take_error();
    return Ok();
}

}  // namespace dihya::mail
