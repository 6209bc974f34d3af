#pragma once

// Outgoing HTTP (OAuth token exchange, discovery, JWKS, user info; language-model calls) over libcurl: TLS verification
// always on, connect and total timeouts, a cap on the response size, redirects not followed, and plain http:// only to
// loopback addresses (a provider on the same machine: development, tests). Error messages name what failed (the
// caller's `what`, the host, curl's reason or the status) and never the URL's query, the headers or the body,
// which carry codes, secrets and tokens.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/result.hpp"

namespace dihya::net {

struct HttpCall {
    std::string method = "GET";  // GET | POST
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;                  // POST only
    std::string what;                  // names the call in errors, e.g. "github token endpoint"
    std::int64_t timeout_ms = 0;       // shorter than the client's timeout for this call; 0 = the client's
    /// "host:port:address" entries: the name is connected to these addresses only, never resolved again
    /// (CURLOPT_RESOLVE; the call then goes direct, without a proxy). For a caller that checked the addresses.
    std::vector<std::string> resolve;
};

struct HttpReply {
    long status = 0;
    std::string content_type;
    std::string body;
};

struct HttpClientOptions {
    std::int64_t connect_timeout_ms = 5'000;
    std::int64_t timeout_ms = 10'000;
    std::int64_t max_response_bytes = 1 << 20;
};

/// Virtual so services can be unit-tested with a scripted client; the server uses CurlHttpClient.
class HttpClient {
public:
    virtual ~HttpClient() = default;
    /// Any HTTP status is a reply; kUnavailable / kTimeout when there is none (refused URL, network, TLS, size).
    virtual Result<HttpReply> Send(const HttpCall& call) const = 0;
};

class CurlHttpClient final : public HttpClient {
public:
    explicit CurlHttpClient(HttpClientOptions options = {});
    Result<HttpReply> Send(const HttpCall& call) const override;

private:
    HttpClientOptions options_;
};

/// kInvalidArgument unless `url` is https://, or http:// to localhost / 127.0.0.0/8 / [::1]; names `what`.
Result<void> CheckOutgoingUrl(std::string_view url, std::string_view what);

/// The reply's body as JSON when the status is 2xx; kUnavailable naming `what` and the status otherwise.
Result<boost::json::value> JsonOf(const HttpReply& reply, std::string_view what);

/// application/x-www-form-urlencoded (and query string) encoding of one value: unreserved characters kept, the
/// rest as %XX (space too).
std::string FormEncode(std::string_view value);
/// "k1=v1&k2=v2" with both sides encoded.
std::string FormBody(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace dihya::net
