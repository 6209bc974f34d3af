#include "storage/postgres/listener.hpp"

#include <algorithm>
#include <chrono>

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include "storage/db.hpp"

namespace dihya::storage::postgres {

namespace {

PGconn* Conn(void* p) {
    return static_cast<PGconn*>(p);
}

}  // namespace

Listener::Listener(std::string url, std::string channel, OnPayload on_payload, Logger& log)
    : url_(std::move(url)), channel_(std::move(channel)), on_payload_(std::move(on_payload)), log_(log) {}

Listener::~Listener() {
    Stop();
    if (conn_ != nullptr) PQfinish(Conn(conn_));
}

Result<void> Listener::Connect() {
    if (conn_ != nullptr) PQfinish(Conn(conn_));
    const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"5", "dihya-listener", url_.c_str(), nullptr};
    conn_ = PQconnectdbParams(keywords, values, 1);
    if (conn_ == nullptr || PQstatus(Conn(conn_)) != CONNECTION_OK) {
        return MakeError(ErrorCode::kUnavailable,
                         "postgres: the listener cannot connect to " + RedactDatabaseUrl(url_));
    }
    PQsetNoticeProcessor(
        Conn(conn_), [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(Conn(conn_), ("LISTEN " + channel_).c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return MakeError(ErrorCode::kUnavailable, "postgres: LISTEN " + channel_ + " failed");
    return Ok();
}

Result<void> Listener::Start() {
    if (auto r = Connect(); !r) return r;
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) return MakeError(ErrorCode::kUnavailable, "no pipe");
    stopping_ = false;
    thread_ = std::thread([this] { Run(); });
    return Ok();
}

void Listener::Stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    ::close(wake_[0]);
    ::close(wake_[1]);
    wake_[0] = wake_[1] = -1;
}

void Listener::Run() {
    auto backoff = std::chrono::milliseconds(100);
    while (!stopping_) {
        PGconn* c = Conn(conn_);
        if (c == nullptr || PQstatus(c) != CONNECTION_OK) {
            pollfd w{wake_[0], POLLIN, 0};
            if (::poll(&w, 1, static_cast<int>(backoff.count())) > 0 || stopping_) return;
            backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
            if (auto r = Connect(); !r) continue;
            log_.Info("listening for other nodes' events again (some may have been missed)", {{"channel", channel_}});
            backoff = std::chrono::milliseconds(100);
            on_payload_({});  // an empty payload: the owner learns that notifications may have been lost
            continue;
        }
        pollfd fds[2] = {{PQsocket(c), POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(fds, 2, 1000) < 0) continue;
        if (stopping_) return;
        if (PQconsumeInput(c) == 0) {
            log_.Warn("lost the connection that listens for other nodes' events; reconnecting",
                      {{"channel", channel_}});
            PQfinish(c);
            conn_ = nullptr;
            continue;
        }
        while (PGnotify* n = PQnotifies(c)) {
            const std::string_view payload(n->extra != nullptr ? n->extra : "");
            if (!payload.empty()) on_payload_(payload);
            PQfreemem(n);
        }
    }
}

}  // namespace dihya::storage::postgres
