#include "mail/mailer.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>

#include <curl/curl.h>

#include "core/clock.hpp"
#include "core/crypto.hpp"

namespace dihya::mail {

namespace {

std::string EncodedWord(const std::string& s) {
    const bool ascii = std::all_of(s.begin(), s.end(), [](unsigned char ch) { return ch >= 0x20 && ch < 0x7f; });
    if (ascii) return s;
    // RFC 2047 B-encoding with standard base64.
    std::string b64 = crypto::Base64UrlEncode(s);
    for (char& ch : b64) {
        if (ch == '-') ch = '+';
        if (ch == '_') ch = '/';
    }
    while (b64.size() % 4 != 0) b64.push_back('=');
    return "=?UTF-8?B?" + b64 + "?=";
}

std::string Base64Lines(const std::string& s) {
    std::string b64 = crypto::Base64UrlEncode(s);
    for (char& ch : b64) {
        if (ch == '-') ch = '+';
        if (ch == '_') ch = '/';
    }
    while (b64.size() % 4 != 0) b64.push_back('=');
    std::string out;
    for (std::size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
    return out;
}

std::string RfcDate() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

}  // namespace

std::string AddressOf(const std::string& s) {
    const auto lt = s.find('<');
    const auto gt = s.find('>', lt);
    if (lt == std::string::npos || gt == std::string::npos) return s;
    return s.substr(lt + 1, gt - lt - 1);
}

bool SafeHeaders(const Message& m) {
    return m.to.find_first_of("\r\n") == std::string::npos && m.subject.find_first_of("\r\n") == std::string::npos;
}

std::string Render(const Message& m, const std::string& from, const std::string& domain) {
    std::string out;
    out += "From: " + from + "\r\n";
    out += "To: " + m.to + "\r\n";
    out += "Subject: " + EncodedWord(m.subject) + "\r\n";
    out += "Date: " + RfcDate() + "\r\n";
    out += "Message-ID: <" + crypto::RandomToken(12) + "@" + domain + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n";
    out += "\r\n";
    out += Base64Lines(m.text);
    return out;
}

QueuedMailer::QueuedMailer(Logger& log, Deliver deliver) : log_(log), deliver_(std::move(deliver)) {
    thread_ = std::thread([this] { Run(); });
}

QueuedMailer::~QueuedMailer() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void QueuedMailer::Send(Message message) {
    if (!SafeHeaders(message)) {
        log_.Error("mail refused: header injection", {{"kind", message.kind}});
        return;
    }
    {
        std::lock_guard lock(mu_);
        queue_.push_back(std::move(message));
    }
    cv_.notify_all();
}

void QueuedMailer::Flush() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void QueuedMailer::Run() {
    using namespace std::chrono_literals;
    const std::chrono::seconds kBackoff[] = {1s, 5s, 30s};
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping with nothing left
        Message m = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        lock.unlock();
        for (std::size_t attempt = 0;; ++attempt) {
            auto r = deliver_(m);
            if (r) {
                log_.Info("mail sent", {{"kind", m.kind}});
                break;
            }
            if (attempt >= std::size(kBackoff)) {
                log_.Error("mail not delivered; giving up", {{"kind", m.kind}, {"error", r.error().message}});
                break;
            }
            log_.Warn("mail delivery failed; will retry",
                      {{"kind", m.kind}, {"attempt", attempt + 1}, {"error", r.error().message}});
            std::unique_lock wait_lock(mu_);
            if (cv_.wait_for(wait_lock, kBackoff[attempt], [this] { return stop_; })) break;
        }
        lock.lock();
        busy_ = false;
        cv_.notify_all();
    }
}

namespace {

struct Upload {
    std::string data;
    std::size_t pos = 0;
};

std::size_t ReadBody(char* buf, std::size_t size, std::size_t n, void* user) {
    auto* up = static_cast<Upload*>(user);
    const std::size_t len = std::min(size * n, up->data.size() - up->pos);
    std::memcpy(buf, up->data.data() + up->pos, len);
    up->pos += len;
    return len;
}

}  // namespace

Result<void> DeliverSmtp(const MailConfig& config, const Message& m) {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return MakeError(ErrorCode::kUnavailable, "smtp: cannot start libcurl");
    const std::string from = AddressOf(config.from);
    std::string domain = from.substr(from.find('@') == std::string::npos ? 0 : from.find('@') + 1);
    if (domain.empty()) domain = "localhost";
    Upload up{Render(m, config.from, domain)};
    const std::string rcpt_addr = "<" + AddressOf(m.to) + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, rcpt_addr.c_str());
    const std::string mail_from = "<" + from + ">";
    curl_easy_setopt(curl, CURLOPT_URL, config.smtp_url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    if (config.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!config.username.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, config.username.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, config.password.c_str());
    }
    const CURLcode rc = curl_easy_perform(curl);
    long response = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        // curl_easy_strerror names the failure without the server's text, which may echo the recipient.
        return MakeError(ErrorCode::kUnavailable,
                         std::string("smtp: ") + curl_easy_strerror(rc) +
                             (response != 0 ? " (reply " + std::to_string(response) + ")" : ""));
    }
    return Ok();
}

}  // namespace dihya::mail
