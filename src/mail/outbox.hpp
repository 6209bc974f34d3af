#pragma once

// The outbox: without mail.smtp_url, mail is written to <data_dir>/outbox/*.eml (mode 0600) for a developer to
// read. Those copies hold the recipient's address and their links, so they are personal data like the rest:
// kept mail.outbox_days, listed in the recipient's GDPR export and deleted when the account is erased.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/personal_data.hpp"
#include "core/result.hpp"
#include "mail/mailer.hpp"

namespace dihya::mail {

struct OutboxItem {
    std::string file;     // name inside the outbox
    std::string kind;     // "verify_email", "reset_password", ...
    std::string sent_at;  // RFC 3339, UTC
};

class Outbox final {
public:
    Outbox(std::filesystem::path dir, std::string from, std::chrono::hours keep);

    /// Writes `m` as <time>-<kind>-<random>.eml, then deletes the copies older than the retention period.
    Result<void> Deliver(const Message& m);
    /// The copies addressed to `email` (compared without case), oldest first.
    Result<std::vector<OutboxItem>> AddressedTo(const std::string& email) const;
    /// Deletes the copies addressed to `email`; returns how many.
    Result<std::size_t> EraseAddressedTo(const std::string& email);
    /// Deletes the copies written before `before`; returns how many.
    Result<std::size_t> PurgeBefore(std::chrono::system_clock::time_point before);

    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    std::string from_;
    std::chrono::hours keep_;
    mutable std::mutex mu_;
};

/// The outbox as a GDPR source ("mail" in the export). `email_of` gives the decrypted address of a user inside the
/// export or erasure transaction.
class OutboxData final : public PersonalDataSource {
public:
    using EmailOf = std::function<Result<std::string>(storage::Session&, const std::string& user_id)>;
    OutboxData(Outbox& outbox, EmailOf email_of) : outbox_(outbox), email_of_(std::move(email_of)) {}
    std::string_view Name() const override { return "mail"; }
    std::string_view Description() const override {
        return "Copies of the mail sent to you while this server had no mail server configured (kind and time; "
               "the copies themselves hold your address and links). Deleted after mail.outbox_days or with your "
               "account.";
    }
    Result<boost::json::value> Export(storage::Session& s, const std::string& user_id) override;
    Result<void> Erase(storage::Session& s, const std::string& user_id) override;

private:
    Outbox& outbox_;
    EmailOf email_of_;
};

}  // namespace dihya::mail
