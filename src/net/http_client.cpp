#include "net/http_client.hpp"

#include <algorithm>
#include <memory>
#include <mutex>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <curl/curl.h>

namespace dihya::net {

namespace {

struct Sink {
    std::string body;
    std::size_t cap = 0;
    bool overflow = false;
};

std::size_t Write(char* data, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t len = size * n;
    if (sink->body.size() + len > sink->cap) {
        sink->overflow = true;
        return 0;  // aborts the transfer
    }
    sink->body.append(data, len);
    return len;
}

struct CurlFree {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Target {
    std::string scheme;
    std::string host;
    bool loopback = false;
};

Result<Target> Parse(std::string_view url, std::string_view what) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) return MakeError(ErrorCode::kInvalidArgument, std::string(what) + ": not an absolute URL");
    Target t;
    t.scheme = u->scheme();
    t.host = u->host_address();
    switch (u->host_type()) {
        case boost::urls::host_type::ipv4: t.loopback = t.host.rfind("127.", 0) == 0; break;
        case boost::urls::host_type::ipv6: t.loopback = t.host == "::1"; break;
        case boost::urls::host_type::name: t.loopback = t.host == "localhost"; break;
        default: break;
    }
    if (t.host.empty()) return MakeError(ErrorCode::kInvalidArgument, std::string(what) + ": the URL has no host");
    return t;
}

}  // namespace

Result<void> CheckOutgoingUrl(std::string_view url, std::string_view what) {
    auto t = Parse(url, what);
    if (!t) return t.take_error();
    if (t->scheme == "https" || (t->scheme == "http" && t->loopback)) return Ok();
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(what) + ": must be an https:// URL (http:// only to localhost)");
}

CurlHttpClient::CurlHttpClient(HttpClientOptions options) : options_(options) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpReply> CurlHttpClient::Send(const HttpCall& call) const {
    auto target = Parse(call.url, call.what);
    if (!target) return MakeError(ErrorCode::kUnavailable, target.error().message);
    if (auto ok = CheckOutgoingUrl(call.url, call.what); !ok)
        return MakeError(ErrorCode::kUnavailable, ok.error().message);
    const std::string where = call.what + " (" + target->host + ")";

    std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
    if (!curl) return MakeError(ErrorCode::kUnavailable, where + ": cannot start libcurl");
    CURL* c = curl.get();
    curl_slist* list = nullptr;
    for (const auto& h : call.headers) {
        curl_slist* head = curl_slist_append(list, h.c_str());
        if (head == nullptr) {
            curl_slist_free_all(list);
            return MakeError(ErrorCode::kUnavailable, where + ": out of memory");
        }
        list = head;
    }
    std::unique_ptr<curl_slist, SlistFree> headers(list);
    curl_slist* pins = nullptr;
    for (const auto& r : call.resolve) {
        curl_slist* head = curl_slist_append(pins, r.c_str());
        if (head == nullptr) {
            curl_slist_free_all(pins);
            return MakeError(ErrorCode::kUnavailable, where + ": out of memory");
        }
        pins = head;
    }
    std::unique_ptr<curl_slist, SlistFree> resolve(pins);
    Sink sink{{}, static_cast<std::size_t>(options_.max_response_bytes), false};
    curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    const std::int64_t timeout =
        call.timeout_ms > 0 ? std::min(call.timeout_ms, options_.timeout_ms) : options_.timeout_ms;
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(options_.connect_timeout_ms, timeout)));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout));
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_response_bytes));
    curl_easy_setopt(c, CURLOPT_USERAGENT, "dihya/" DIHYA_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    if (target->loopback || resolve) curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    if (resolve) curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
    if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    if (call.method == "POST") {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    } else if (call.method != "GET") {
        return MakeError(ErrorCode::kInternal, where + ": unsupported method " + call.method);
    }

    const CURLcode rc = curl_easy_perform(c);
    if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED) {
        return MakeError(ErrorCode::kUnavailable, where + ": the response is larger than " +
                                                      std::to_string(options_.max_response_bytes) + " bytes");
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) return MakeError(ErrorCode::kTimeout, where + ": no response in time");
    if (rc != CURLE_OK) {
        // curl_easy_strerror names the failure (DNS, connection, TLS) without any part of the request.
        return MakeError(ErrorCode::kUnavailable, where + ": " + curl_easy_strerror(rc));
    }
    HttpReply reply;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    char* type = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr) reply.content_type = type;
    reply.body = std::move(sink.body);
    return reply;
}

Result<boost::json::value> JsonOf(const HttpReply& reply, std::string_view what) {
    if (reply.status < 200 || reply.status > 299) {
        return MakeError(ErrorCode::kUnavailable, std::string(what) + " answered HTTP " + std::to_string(reply.status));
    }
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(reply.body, ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, std::string(what) + " did not answer JSON");
    return v;
}

std::string FormEncode(std::string_view value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(value.size());
    for (const char ch : value) {
        const auto u = static_cast<unsigned char>(ch);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '.' ||
            u == '_' || u == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xF]);
        }
    }
    return out;
}

std::string FormBody(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [k, v] : fields) {
        if (!out.empty()) out.push_back('&');
        out += FormEncode(k) + "=" + FormEncode(v);
    }
    return out;
}

}  // namespace dihya::net
