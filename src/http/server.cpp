#include "http/server.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/problem.hpp"
#include "http/client_address.hpp"
#include "http/middleware/request_id.hpp"
#include "http/target.hpp"

namespace dihya::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxDrainBytes = 1 << 20;
constexpr std::size_t kIdleReadBytes = 1024;

/// A client connection. Members are touched only on the connection's strand.
struct ConnBase {
    virtual ~ConnBase() = default;
    /// The TCP stream (under TLS: the lowest layer) for timeouts, cancel and close.
    virtual beast::tcp_stream& Tcp() = 0;
    bool idle = false;
    std::string ip;
    /// Set while a live session (SSE, WebSocket) holds the connection: a shutdown calls it so the session ends
    /// cleanly (a last chunk, a 1001 close) instead of being cut.
    std::function<void()> drain;
};

template <class Stream>
struct Conn final : ConnBase {
    template <class... Args>
    explicit Conn(Args&&... args) : stream(std::forward<Args>(args)...) {}
    beast::tcp_stream& Tcp() override { return beast::get_lowest_layer(stream); }
    Stream stream;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
template <class S>
constexpr bool kIsTls = std::is_same_v<S, TlsStream>;

/// RFC 9110 IMF-fixdate of now, formatted once per second per thread.
const std::string& HttpDate() {
    thread_local std::time_t last = 0;
    thread_local std::string text;
    const std::time_t now = std::time(nullptr);
    if (now != last) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        char buf[64];
        text.assign(buf, std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm));
        last = now;
    }
    return text;
}

unsigned Cores() {
    return std::max(1u, std::thread::hardware_concurrency());
}

std::size_t ComputeThreads(const Config& c) {
    if (c.limits.compute_threads > 0) return static_cast<std::size_t>(c.limits.compute_threads);
    return std::max<std::size_t>(1, Cores() / 2);
}

/// Threads for CPU-heavy handlers, at nice +10: while they are busy, the kernel still gives the I/O threads and
/// the password-hashing pool the CPU first, so sign-in and /healthz never wait behind an analysis.
class ComputePool final {
public:
    explicit ComputePool(std::size_t n) : guard_(asio::make_work_guard(ioc_)) {
        for (std::size_t i = 0; i < n; ++i) {
            threads_.emplace_back([this] {
                ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);  // this thread only (Linux)
                ioc_.run();
            });
        }
    }
    ~ComputePool() { Join(); }
    ComputePool(const ComputePool&) = delete;
    ComputePool& operator=(const ComputePool&) = delete;

    asio::io_context::executor_type executor() { return ioc_.get_executor(); }
    std::int64_t threads() const { return static_cast<std::int64_t>(threads_.size()); }
    /// Lets the queued work finish, then stops the threads.
    void Join() {
        guard_.reset();
        for (auto& t : threads_) {
            if (t.joinable()) t.join();
        }
    }

private:
    asio::io_context ioc_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_;
    std::vector<std::thread> threads_;
};

/// Waits until the client's side of the connection is readable: end of stream or an error means the client went
/// away while its request was being handled elsewhere, and `cancelled` is set. Bytes of a pipelined next request
/// end the watch without cancelling. The caller cancels the wait when the handler is done.
asio::awaitable<void> WatchClientGone(std::shared_ptr<ConnBase> conn, std::shared_ptr<std::atomic<bool>> cancelled) {
    auto& socket = conn->Tcp().socket();
    auto [ec] = co_await socket.async_wait(tcp::socket::wait_read, kTuple);
    if (ec == asio::error::operation_aborted) co_return;
    char byte = 0;
    const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (ec || n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) cancelled->store(true);
}

}  // namespace

struct Server::Impl {
    Impl(const Config& c, Pipeline& p, Logger& l, Metrics& m)
        : config(c),
          pipeline(p),
          log(l),
          metrics(m),
          threads(c.io_threads > 0 ? static_cast<int>(c.io_threads)
                                   : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
          ioc(threads),
          auth_pool(static_cast<std::size_t>(c.limits.auth_threads > 0 ? c.limits.auth_threads : Cores())),
          compute(ComputeThreads(c)),
          compute_queue(
              static_cast<std::int64_t>(c.limits.compute_queue > 0 ? c.limits.compute_queue : 8 * compute.threads())),
          strand(asio::make_strand(ioc)),
          acceptor(strand),
          signals(strand, SIGINT, SIGTERM),
          grace_timer(strand) {}

    const Config& config;
    Pipeline& pipeline;
    Logger& log;
    Metrics& metrics;
    int threads;
    asio::io_context ioc;
    asio::thread_pool auth_pool;  // Work::kAuth: password hashing
    ComputePool compute;          // Work::kCompute: analysis, generation, archives (lower CPU priority)
    const std::int64_t compute_queue;
    std::atomic<std::int64_t> compute_waiting{0};
    asio::strand<asio::io_context::executor_type> strand;  // acceptor, signals, shutdown
    tcp::acceptor acceptor;
    asio::signal_set signals;
    asio::steady_timer grace_timer;

    std::atomic<bool> draining{false};
    mutable std::mutex mu;
    std::size_t open = 0;
    std::unordered_map<std::string, std::int64_t> per_ip;
    std::unordered_set<std::shared_ptr<ConnBase>> conns;
    std::optional<asio::ssl::context> tls;
    TrustedProxies proxies;  // trusted_proxies: whose X-Forwarded-For names the client
    std::atomic<bool> stopped{false};

    asio::awaitable<void> Accept();
    asio::awaitable<Response> Dispatch(std::shared_ptr<ConnBase> conn, Request& request);
    template <class S>
    asio::awaitable<void> Session(std::shared_ptr<Conn<S>> conn);
    asio::awaitable<void> Reject(tcp::socket socket, std::string why);
    template <class S>
    asio::awaitable<void> WriteAndClose(std::shared_ptr<Conn<S>> conn, Request& request, Response response);
    template <class S>
    asio::awaitable<void> Refuse(std::shared_ptr<Conn<S>> conn, Request& request, int status, std::string title,
                                 std::string detail);
    template <class S>
    asio::awaitable<bool> Write(Conn<S>& conn, const Request& request, Response& response, unsigned version,
                                bool keep_alive);
    template <class S>
    asio::awaitable<bool> WriteFile(Conn<S>& conn, const Request& request, bhttp::response<bhttp::string_body>& head,
                                    const std::string& path);
    template <class S>
    asio::awaitable<void> ServeEventStream(std::shared_ptr<Conn<S>> conn, Request request, Response response,
                                           unsigned version);
    template <class S>
    asio::awaitable<void> ServeWebSocket(std::shared_ptr<Conn<S>> conn, bhttp::request<bhttp::string_body> req,
                                         Response response);
    void Release(const std::shared_ptr<ConnBase>& conn);
    void BeginShutdown();
    void StopIfDone();
};

asio::awaitable<void> Server::Impl::Accept() {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
        if (ec) {
            if (ec == asio::error::operation_aborted || draining) co_return;
            log.Warn("accept failed", {{"error", ec.message()}});
            continue;
        }
        boost::system::error_code ep_ec;
        const auto ep = socket.remote_endpoint(ep_ec);
        if (ep_ec) continue;
        std::string ip = ep.address().to_string();
        socket.set_option(tcp::no_delay(true), ep_ec);

        std::string refused;
        {
            std::lock_guard lock(mu);
            if (static_cast<std::int64_t>(open) >= config.limits.max_connections) {
                refused = "the server is at its connection limit";
            } else if (per_ip[ip] >= config.limits.max_connections_per_ip) {
                refused = "too many connections from this address";
            } else {
                ++open;
                ++per_ip[ip];
            }
        }
        if (!refused.empty()) {
            auto ex = socket.get_executor();
            asio::co_spawn(ex, Reject(std::move(socket), refused), asio::detached);
            continue;
        }
        auto ex = socket.get_executor();
        if (tls) {
            auto conn = std::make_shared<Conn<TlsStream>>(std::move(socket), *tls);
            conn->ip = ip;
            {
                std::lock_guard lock(mu);
                conns.insert(conn);
            }
            asio::co_spawn(ex, Session(conn), asio::detached);
        } else {
            auto conn = std::make_shared<Conn<PlainStream>>(std::move(socket));
            conn->ip = ip;
            {
                std::lock_guard lock(mu);
                conns.insert(conn);
            }
            asio::co_spawn(ex, Session(conn), asio::detached);
        }
    }
}

asio::awaitable<void> Server::Impl::Reject(tcp::socket socket, std::string why) {
    beast::tcp_stream stream(std::move(socket));
    Request request;
    request.method = "-";
    AssignRequestId(request);
    Response response = Response::Problem(503, "Service unavailable", why, request.request_id);
    response.headers.Set("Retry-After", "1");
    response.headers.Set("Connection", "close");
    pipeline.Finish(request, response);
    bhttp::response<bhttp::string_body> res{bhttp::status::service_unavailable, 11};
    for (const auto& [name, value] : response.headers.items()) res.insert(name, value);
    res.keep_alive(false);
    res.body() = std::move(response.body);
    res.prepare_payload();
    stream.expires_after(std::chrono::seconds(2));
    co_await bhttp::async_write(stream, res, kTuple);
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

void Server::Impl::Release(const std::shared_ptr<ConnBase>& conn) {
    boost::system::error_code ec;
    conn->Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    conn->Tcp().socket().close(ec);
    {
        std::lock_guard lock(mu);
        if (conns.erase(conn) == 0) return;
        --open;
        auto it = per_ip.find(conn->ip);
        if (it != per_ip.end() && --it->second <= 0) per_ip.erase(it);
    }
    StopIfDone();
}

void Server::Impl::StopIfDone() {
    if (!draining) return;
    {
        std::lock_guard lock(mu);
        if (open != 0) return;
    }
    if (!stopped.exchange(true)) {
        asio::post(strand, [this] {
            grace_timer.cancel();
            ioc.stop();
        });
    }
}

void Server::Impl::BeginShutdown() {
    // Runs on the acceptor's strand.
    if (draining.exchange(true)) return;
    std::vector<std::shared_ptr<ConnBase>> snapshot;
    {
        std::lock_guard lock(mu);
        snapshot.assign(conns.begin(), conns.end());
    }
    log.Info("shutting down", {{"open_connections", static_cast<std::int64_t>(snapshot.size())}});
    boost::system::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    // Idle keep-alive connections go now; busy ones finish their request first.
    for (auto& c : snapshot) {
        asio::post(c->Tcp().get_executor(), [c] {
            if (c->drain) {
                c->drain();
            } else if (c->idle) {
                c->Tcp().cancel();
            }
        });
    }
    grace_timer.expires_after(std::chrono::milliseconds(config.limits.shutdown_grace_ms));
    grace_timer.async_wait([this](const boost::system::error_code& wec) {
        if (wec) return;
        std::vector<std::shared_ptr<ConnBase>> left;
        {
            std::lock_guard lock(mu);
            left.assign(conns.begin(), conns.end());
        }
        if (!left.empty())
            log.Warn("shutdown grace period over; closing connections",
                     {{"open_connections", static_cast<std::int64_t>(left.size())}});
        for (auto& c : left) asio::post(c->Tcp().get_executor(), [c] { c->Tcp().cancel(); });
    });
    StopIfDone();
}

template <class S>
asio::awaitable<bool> Server::Impl::Write(Conn<S>& conn, const Request& request, Response& response, unsigned version,
                                          bool keep_alive) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
    for (const auto& [name, value] : response.headers.items()) res.insert(name, value);
    res.set(bhttp::field::date, HttpDate());
    res.keep_alive(keep_alive);
    const bool no_body =
        response.status == 204 || response.status == 304 || (response.status >= 100 && response.status < 200);
    if (request.method == "HEAD") {
        res.content_length(response.body.size());
    } else if (!no_body) {
        res.body() = std::move(response.body);
        res.prepare_payload();
    }
    conn.Tcp().expires_after(std::chrono::milliseconds(config.limits.body_timeout_ms));
    if (!response.file.empty() && !no_body) co_return co_await WriteFile(conn, request, res, response.file);
    if (request.method == "HEAD") {
        bhttp::response_serializer<bhttp::string_body> sr{res};
        auto [ec, n] = co_await bhttp::async_write_header(conn.stream, sr, kTuple);
        co_return !ec;
    }
    auto [ec, n] = co_await bhttp::async_write(conn.stream, res, kTuple);
    co_return !ec;
}

template <class S>
asio::awaitable<bool> Server::Impl::WriteFile(Conn<S>& conn, const Request& request,
                                              bhttp::response<bhttp::string_body>& head, const std::string& path) {
    bhttp::response<bhttp::file_body> res{head.result(), head.version()};
    for (const auto& field : head) res.insert(field.name_string(), field.value());
    res.keep_alive(head.keep_alive());
    beast::error_code fec;
    res.body().open(path.c_str(), beast::file_mode::scan, fec);
    if (fec) co_return false;  // gone since the handler looked: the client sees the connection close
    res.prepare_payload();
    bhttp::response_serializer<bhttp::file_body> sr{res};
    if (request.method == "HEAD") {
        auto [ec, n] = co_await bhttp::async_write_header(conn.stream, sr, kTuple);
        co_return !ec;
    }
    while (!sr.is_done()) {  // each piece gets the body timeout, not the whole file
        conn.Tcp().expires_after(std::chrono::milliseconds(config.limits.body_timeout_ms));
        auto [ec, n] = co_await bhttp::async_write_some(conn.stream, sr, kTuple);
        if (ec) co_return false;
    }
    co_return true;
}

template <class S>
asio::awaitable<void> Server::Impl::WriteAndClose(std::shared_ptr<Conn<S>> conn, Request& request, Response response) {
    response.headers.Set("Connection", "close");
    pipeline.Finish(request, response);
    const bool written = co_await Write(*conn, request, response, 11, false);
    if (written && !kIsTls<S>) {
        // Lingering close: stop sending, then read and drop what the client still sends, so
        // it gets to read our answer instead of a reset.
        boost::system::error_code ec;
        conn->Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
        std::array<char, 16384> sink{};
        std::size_t drained = 0;
        conn->Tcp().expires_after(
            std::chrono::milliseconds(std::min<std::int64_t>(config.limits.header_timeout_ms, 2000)));
        while (drained < kMaxDrainBytes) {
            auto [rec, n] = co_await conn->stream.async_read_some(asio::buffer(sink), kTuple);
            if (rec) break;
            drained += n;
        }
    }
}

template <class S>
asio::awaitable<void> Server::Impl::Refuse(std::shared_ptr<Conn<S>> conn, Request& request, int status,
                                           std::string title, std::string detail) {
    if (request.request_id.empty()) AssignRequestId(request);
    co_await WriteAndClose(std::move(conn), request, Response::Problem(status, title, detail, request.request_id));
}

template <class S>
asio::awaitable<void> Server::Impl::Session(std::shared_ptr<Conn<S>> conn) {
    beast::flat_buffer buffer;
    bool first = true;
    const auto header_timeout = std::chrono::milliseconds(config.limits.header_timeout_ms);
    const auto body_timeout = std::chrono::milliseconds(config.limits.body_timeout_ms);
    const auto idle_timeout = std::chrono::milliseconds(config.limits.idle_timeout_ms);

    if constexpr (kIsTls<S>) {
        conn->Tcp().expires_after(header_timeout);
        auto [hs_ec] = co_await conn->stream.async_handshake(asio::ssl::stream_base::server, kTuple);
        if (hs_ec) {
            Release(conn);
            co_return;
        }
    }

    for (;;) {
        if (buffer.size() == 0) {
            // Wait for the first bytes of the next request: idle timeout between requests,
            // header timeout for a new connection that sends nothing.
            if (draining) break;
            conn->idle = true;
            conn->Tcp().expires_after(first ? header_timeout : idle_timeout);
            // An idle connection holds a small buffer: what the last request needed (up to a whole body) is given
            // back, and most requests fit in one small read anyway.
            buffer.shrink_to_fit();
            auto [ec, n] = co_await conn->stream.async_read_some(buffer.prepare(kIdleReadBytes), kTuple);
            conn->idle = false;
            if (ec) break;
            buffer.commit(n);
        }
        first = false;

        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(config.limits.max_header_bytes));
        parser.body_limit(static_cast<std::uint64_t>(config.limits.max_body_bytes));
        Request request;
        request.remote_ip = conn->ip;
        request.tls = kIsTls<S>;
        request.received_at = std::chrono::steady_clock::now();

        // Read the header block ourselves so the whole block, not only its unparsed tail,
        // counts against max_header_bytes.
        conn->Tcp().expires_after(header_timeout);
        const auto max_header = static_cast<std::size_t>(config.limits.max_header_bytes);
        std::size_t header_bytes = 0;
        boost::system::error_code hec;
        while (!parser.is_header_done()) {
            if (buffer.size() > 0) {
                const std::size_t used = parser.put(buffer.data(), hec);
                buffer.consume(used);
                header_bytes += used;
                if (hec == bhttp::error::need_more) hec = {};
                if (hec || parser.is_header_done()) break;
            }
            if (header_bytes + buffer.size() > max_header) {
                hec = bhttp::error::header_limit;
                break;
            }
            auto [rec, n] = co_await conn->stream.async_read_some(buffer.prepare(4096), kTuple);
            if (rec) {
                hec = rec;
                break;
            }
            buffer.commit(n);
        }
        if (!hec && header_bytes > max_header) hec = bhttp::error::header_limit;
        if (hec) {
            if (hec == bhttp::error::header_limit) {
                request.method = "-";
                co_await Refuse(conn, request, 431, "Request header fields too large",
                                "the request headers exceed " + std::to_string(max_header) + " bytes");
            } else if (hec == bhttp::error::body_limit) {
                request.method = std::string(parser.get().method_string());
                request.path = std::string(parser.get().target());
                co_await Refuse(conn, request, 413, "Payload too large",
                                "the request body exceeds " + std::to_string(config.limits.max_body_bytes) + " bytes");
            } else if (hec != beast::error::timeout && hec != bhttp::error::end_of_stream && hec != asio::error::eof &&
                       hec != asio::error::operation_aborted && hec != asio::error::connection_reset) {
                request.method = "-";
                co_await Refuse(conn, request, 400, "Bad request", "malformed HTTP request: " + hec.message());
            }
            break;
        }

        auto& header = parser.get();
        if (!parser.is_done()) {
            if (beast::iequals(header[bhttp::field::expect], "100-continue")) {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, header.version()};
                conn->Tcp().expires_after(body_timeout);
                auto [cec, cn] = co_await bhttp::async_write(conn->stream, cont, kTuple);
                if (cec) break;
            }
            conn->Tcp().expires_after(body_timeout);
            auto [bec, bn] = co_await bhttp::async_read(conn->stream, buffer, parser, kTuple);
            if (bec) {
                request.method = std::string(header.method_string());
                request.path = std::string(header.target());
                for (const auto& field : header) {
                    request.headers.Add(std::string(field.name_string()), std::string(field.value()));
                }
                if (bec == bhttp::error::body_limit) {
                    co_await Refuse(
                        conn, request, 413, "Payload too large",
                        "the request body exceeds " + std::to_string(config.limits.max_body_bytes) + " bytes");
                } else if (bec == beast::error::timeout) {
                    co_await Refuse(conn, request, 408, "Request timeout", "the request body was not received in time");
                } else if (bec != bhttp::error::end_of_stream && bec != asio::error::eof &&
                           bec != asio::error::connection_reset && bec != asio::error::operation_aborted &&
                           bec != bhttp::error::partial_message) {
                    co_await Refuse(conn, request, 400, "Bad request", "malformed HTTP body: " + bec.message());
                }
                break;
            }
        }

        auto req = parser.release();
        request.method = std::string(req.method_string());
        request.target = std::string(req.target());
        Target target = ParseTarget(request.target);
        const bool path_ok = target.ok;
        request.path = std::move(target.path);
        request.query = std::move(target.query);
        for (const auto& field : req) {
            request.headers.Add(std::string(field.name_string()), std::string(field.value()));
        }
        if (!proxies.empty()) {
            std::vector<std::string_view> forwarded;
            for (const auto& field : req) {
                if (beast::iequals(field.name_string(), "x-forwarded-for")) forwarded.push_back(field.value());
            }
            request.remote_ip = proxies.ClientOf(conn->ip, forwarded);
        }
        request.body = std::move(req.body());
        if (!path_ok) {
            co_await Refuse(conn, request, 400, "Bad request", "the request target is not a valid path");
            break;
        }
        // RFC 9112 §3.2: one Host field line, and HTTP/1.1 requests must have it.
        const auto hosts =
            std::count_if(req.begin(), req.end(), [](const auto& f) { return f.name() == bhttp::field::host; });
        if (hosts > 1 || (hosts == 0 && req.version() >= 11)) {
            co_await Refuse(conn, request, 400, "Bad request",
                            hosts > 1 ? "more than one Host header" : "an HTTP/1.1 request needs a Host header");
            break;
        }

        Response response = co_await Dispatch(conn, request);
        if (response.live && response.live_kind != LiveKind::kNone) {
            // A live connection may stay open for hours: give back what reading the request took (a WebSocket
            // client sends nothing before the 101, so nothing is buffered).
            buffer.shrink_to_fit();
            req.body().clear();
            req.body().shrink_to_fit();
            request.body.clear();
            request.body.shrink_to_fit();
            // The live part runs in its own coroutine, which takes only what it needs: this one (its request,
            // parser and buffers) ends here rather than stay suspended for the connection's life. It releases the
            // connection when done.
            const auto ex = conn->Tcp().get_executor();
            if (response.live_kind == LiveKind::kWebSocket) {
                asio::co_spawn(ex, ServeWebSocket(conn, std::move(req), std::move(response)), asio::detached);
            } else {
                const unsigned version = req.version();
                asio::co_spawn(ex, ServeEventStream(conn, std::move(request), std::move(response), version),
                               asio::detached);
            }
            co_return;
        }
        const bool keep_alive = req.keep_alive() && !response.close && !draining;
        if (!keep_alive) response.headers.Set("Connection", "close");
        if (!co_await Write(*conn, request, response, req.version(), keep_alive)) break;
        if (!keep_alive) break;
    }
    Release(conn);
}

namespace {

/// What a live connection's two loops share: the writer sleeps on `timer` (a heartbeat interval at most) and is
/// woken by the session (from any thread, through `wake`) or by the reader.
struct LiveState {
    explicit LiveState(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    std::atomic<bool> woken{false};
    bool gone = false;  // the reader saw the connection end (strand only)
};

std::function<void()> WakeOf(const std::shared_ptr<LiveState>& state, const asio::any_io_executor& ex) {
    return [weak = std::weak_ptr<LiveState>(state), ex] {
        auto s = weak.lock();
        if (!s) return;
        s->woken.store(true);
        asio::post(ex, [weak] {
            if (auto t = weak.lock()) t->timer.cancel();
        });
    };
}

/// Sleeps until woken or a heartbeat interval passed; true when it was the heartbeat.
asio::awaitable<bool> WaitForWork(LiveState& state, std::chrono::milliseconds heartbeat) {
    if (state.woken.exchange(false)) co_return false;
    state.timer.expires_after(heartbeat);
    auto [ec] = co_await state.timer.async_wait(kTuple);
    state.woken.store(false);
    co_return !ec;
}

}  // namespace

template <class S>
asio::awaitable<void> Server::Impl::ServeEventStream(std::shared_ptr<Conn<S>> conn, Request request, Response response,
                                                     unsigned version) {
    using asio::experimental::awaitable_operators::operator&&;
    const std::shared_ptr<LiveSession> live = response.live;
    const auto heartbeat = std::chrono::milliseconds(config.realtime.heartbeat_ms);
    const auto write_timeout = std::chrono::milliseconds(config.limits.body_timeout_ms);
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(response.status), version};
    for (const auto& [name, value] : response.headers.items()) res.insert(name, value);
    res.set(bhttp::field::date, HttpDate());
    res.keep_alive(false);
    const bool chunked = version >= 11;
    if (chunked) res.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    conn->Tcp().expires_after(write_timeout);
    auto [hec, hn] = co_await bhttp::async_write_header(conn->stream, sr, kTuple);
    const bool head = request.method == "HEAD";
    request = Request{};  // the stream may stay open for hours: keep nothing of the request
    response.headers = Headers{};
    if (hec || head) {
        live->Ended();
        Release(conn);
        co_return;
    }
    conn->Tcp().expires_never();
    auto state = std::make_shared<LiveState>(conn->Tcp().get_executor());
    conn->drain = [state] { state->timer.cancel(); };
    live->Start(WakeOf(state, conn->Tcp().get_executor()));

    auto reader = [&]() -> asio::awaitable<void> {
        std::array<char, 512> sink{};
        for (;;) {
            auto [ec, n] = co_await conn->stream.async_read_some(asio::buffer(sink), kTuple);
            if (ec) break;  // the client sends nothing on an event stream but its end
        }
        state->gone = true;
        state->timer.cancel();
    };
    auto writer = [&]() -> asio::awaitable<void> {
        for (;;) {
            std::string out;
            for (auto& m : live->Take()) out += m;
            if (!out.empty()) {
                conn->Tcp().expires_after(write_timeout);  // a client that stops reading is let go
                auto [wec, wn] =
                    chunked ? co_await asio::async_write(conn->stream, bhttp::make_chunk(asio::buffer(out)), kTuple)
                            : co_await asio::async_write(conn->stream, asio::buffer(out), kTuple);
                if (wec) break;
                conn->Tcp().expires_never();
            }
            if (live->Closing() || state->gone || draining) break;
            if (co_await WaitForWork(*state, heartbeat)) live->Tick();
            if (state->gone || draining) break;
        }
        if (!state->gone && chunked) {
            conn->Tcp().expires_after(std::chrono::seconds(2));
            (void)co_await asio::async_write(conn->stream, bhttp::make_chunk_last(), kTuple);
        }
        conn->Tcp().cancel();  // ends the reader
    };
    co_await (reader() && writer());
    conn->drain = nullptr;
    live->Ended();
    Release(conn);
}

template <class S>
asio::awaitable<void> Server::Impl::ServeWebSocket(std::shared_ptr<Conn<S>> conn,
                                                   bhttp::request<bhttp::string_body> req, Response response) {
    namespace websocket = beast::websocket;
    using asio::experimental::awaitable_operators::operator&&;
    const std::shared_ptr<LiveSession> live = response.live;
    const auto heartbeat = std::chrono::milliseconds(config.realtime.heartbeat_ms);
    websocket::stream<S&> ws(conn->stream);
    conn->Tcp().expires_never();  // the WebSocket keeps its own time from here
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::milliseconds(config.limits.header_timeout_ms);
    timeouts.idle_timeout = 2 * heartbeat;  // a ping after one quiet interval, closed after two
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    const bool binary = live->binary();
    ws.read_message_max(live->max_message_bytes() > 0 ? live->max_message_bytes()
                                                      : static_cast<std::size_t>(config.realtime.max_message_bytes));
    ws.set_option(websocket::stream_base::decorator([&response](websocket::response_type& res) {
        for (const auto& [name, value] : response.headers.items()) {
            if (IEquals(name, "Content-Type") || IEquals(name, "Content-Length") || IEquals(name, "Connection") ||
                IEquals(name, "Upgrade")) {
                continue;
            }
            res.set(name, value);
        }
    }));
    auto [aec] = co_await ws.async_accept(req, kTuple);
    // The connection may stay open for hours: keep nothing of the upgrade request and response but the session.
    ws.set_option(websocket::stream_base::decorator([](websocket::response_type&) {}));
    req = {};
    response = Response{};
    if (aec) {
        live->Ended();
        Release(conn);
        co_return;
    }
    auto state = std::make_shared<LiveState>(conn->Tcp().get_executor());
    conn->drain = [state] { state->timer.cancel(); };
    live->Start(WakeOf(state, conn->Tcp().get_executor()));
    std::optional<LiveClose> refused;  // what the reader refuses itself (messages of the other kind)

    auto reader = [&]() -> asio::awaitable<void> {
        for (;;) {
            beast::flat_buffer buffer;
            auto [ec, n] = co_await ws.async_read(buffer, kTuple);
            if (ec) {  // closed, gone, or a message over read_message_max (Beast closes that one with 1009)
                state->gone = true;
                break;
            }
            if (ws.got_text() == binary) {
                refused = binary ? LiveClose{1003, "only binary messages (the y-websocket protocol) are accepted"}
                                 : LiveClose{1003, "only text messages (JSON) are accepted"};
                break;
            }
            live->Receive(beast::buffers_to_string(buffer.data()));
            state->woken.store(true);
            state->timer.cancel();
        }
        state->timer.cancel();
    };
    auto writer = [&]() -> asio::awaitable<void> {
        std::optional<LiveClose> close;
        for (;;) {
            bool failed = false;
            for (auto& m : live->Take()) {
                if (m.empty()) continue;
                ws.binary(binary);
                auto [wec, wn] = co_await ws.async_write(asio::buffer(m), kTuple);
                if (wec) {
                    failed = true;
                    break;
                }
            }
            if (failed || state->gone) break;
            if (refused) {
                close = refused;
                break;
            }
            if ((close = live->Closing())) break;
            if (draining) {
                close = LiveClose{1001, "the server is shutting down"};
                break;
            }
            if (co_await WaitForWork(*state, heartbeat)) live->Tick();
        }
        if (close && !state->gone) {
            (void)co_await ws.async_close(
                websocket::close_reason(static_cast<websocket::close_code>(close->code), close->reason), kTuple);
        }
        conn->Tcp().cancel();  // ends the reader if the client did not answer the close
    };
    co_await (reader() && writer());
    conn->drain = nullptr;
    live->Ended();
    Release(conn);
}

asio::awaitable<Response> Server::Impl::Dispatch(std::shared_ptr<ConnBase> conn, Request& request) {
    const Work work = pipeline.WorkOf(request);
    if (work == Work::kInline) co_return pipeline.Handle(request);
    if (work == Work::kAuth) {
        co_return co_await asio::co_spawn(
            auth_pool, [&]() -> asio::awaitable<Response> { co_return pipeline.Handle(request); }, asio::use_awaitable);
    }
    // Work::kCompute: bounded waiting, lower priority, stopped when the client leaves.
    if (compute_waiting.fetch_add(1) >= compute_queue + compute.threads()) {
        compute_waiting.fetch_sub(1);
        Error busy = MakeError(ErrorCode::kUnavailable,
                               "the server is busy with other analyses and generations; retry in a moment");
        busy.retry_after = 1;
        Response r = Response::Problem(busy, request.request_id);
        pipeline.Finish(request, r);
        co_return r;
    }
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    request.cancelled = cancelled;
    const bool watch = dynamic_cast<Conn<PlainStream>*>(conn.get()) != nullptr;  // TLS: bytes are records, not EOF
    if (watch) asio::co_spawn(conn->Tcp().get_executor(), WatchClientGone(conn, cancelled), asio::detached);
    Response response = co_await asio::co_spawn(
        compute.executor(), [&]() -> asio::awaitable<Response> { co_return pipeline.Handle(request); },
        asio::use_awaitable);
    compute_waiting.fetch_sub(1);
    if (watch) {
        boost::system::error_code ec;
        conn->Tcp().socket().cancel(ec);  // ends the watch
    }
    co_return response;
}

Server::Server(const Config& config, Pipeline& pipeline, Logger& log, Metrics& metrics)
    : impl_(std::make_unique<Impl>(config, pipeline, log, metrics)) {
    metrics.AddGauge("dihya_http_open_connections", "Open client connections.",
                     [this] { return static_cast<double>(open_connections()); });
}

Server::~Server() = default;

Result<void> Server::Listen() {
    auto proxies = TrustedProxies::Parse(impl_->config.trusted_proxies, "trusted_proxies");
    if (!proxies) return proxies.take_error();
    impl_->proxies = std::move(*proxies);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(impl_->config.listen_host, ec);
    if (ec) {
        // A host name: resolve it.
        tcp::resolver resolver(impl_->ioc);
        auto results = resolver.resolve(impl_->config.listen_host, std::to_string(impl_->config.listen_port), ec);
        if (ec || results.empty()) {
            return MakeError(ErrorCode::kInvalidArgument, "cannot resolve listen host " + impl_->config.listen_host);
        }
        address = results.begin()->endpoint().address();
    }
    if (!impl_->config.tls_cert_file.empty()) {
        impl_->tls.emplace(asio::ssl::context::tls_server);
        auto& ctx = *impl_->tls;
        ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                        asio::ssl::context::single_dh_use);
        ctx.use_certificate_chain_file(impl_->config.tls_cert_file, ec);
        if (ec) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "tls.cert_file: cannot load " + impl_->config.tls_cert_file + ": " + ec.message());
        }
        ctx.use_private_key_file(impl_->config.tls_key_file, asio::ssl::context::pem, ec);
        if (ec) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "tls.key_file: cannot load " + impl_->config.tls_key_file + ": " + ec.message());
        }
    }
    tcp::endpoint endpoint(address, impl_->config.listen_port);
    auto& acc = impl_->acceptor;
    acc.open(endpoint.protocol(), ec);
    if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acc.bind(endpoint, ec);
    if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return MakeError(ErrorCode::kUnavailable, "cannot listen on " + impl_->config.listen_host + ":" +
                                                      std::to_string(impl_->config.listen_port) + ": " + ec.message());
    }
    return Ok();
}

std::string Server::address() const {
    boost::system::error_code ec;
    auto ep = impl_->acceptor.local_endpoint(ec);
    if (ec) return "";
    const std::string host = ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
    return host + ":" + std::to_string(ep.port());
}

std::size_t Server::open_connections() const {
    std::lock_guard lock(impl_->mu);
    return impl_->open;
}

void Server::Shutdown() {
    asio::post(impl_->strand, [impl = impl_.get()] { impl->BeginShutdown(); });
}

void Server::Run() {
    Impl& impl = *impl_;
    impl.signals.async_wait([&impl](const boost::system::error_code& ec, int) {
        if (!ec) impl.BeginShutdown();
    });
    asio::co_spawn(impl.strand, impl.Accept(), asio::detached);
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(impl.threads - 1));
    for (int i = 1; i < impl.threads; ++i) pool.emplace_back([&impl] { impl.ioc.run(); });
    impl.ioc.run();
    for (auto& t : pool) t.join();
    impl.auth_pool.join();
    impl.compute.Join();
}

}  // namespace dihya::http
