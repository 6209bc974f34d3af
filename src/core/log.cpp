#include "core/log.hpp"

#include <chrono>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace dihya {

namespace {

std::string_view LevelName(LogLevel level) {
    switch (level) {
        case LogLevel::kDebug: return "debug";
        case LogLevel::kInfo: return "info";
        case LogLevel::kWarn: return "warn";
        case LogLevel::kError: return "error";
    }
    return "info";
}

std::string Timestamp() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms);
}

}  // namespace

Logger::Logger(LogLevel min_level) : min_level_(min_level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    logger_ = std::make_shared<spdlog::logger>("dihya", std::move(sink));
    logger_->set_pattern("%v");
    logger_->set_level(spdlog::level::trace);
    logger_->flush_on(spdlog::level::trace);
}

Logger::~Logger() {
    Flush();
}

void Logger::Log(LogLevel level, std::string_view msg, const boost::json::object& fields) {
    if (!Enabled(level)) {
        return;
    }
    boost::json::object line;
    line.reserve(fields.size() + 3);
    line["ts"] = Timestamp();
    line["level"] = LevelName(level);
    line["msg"] = msg;
    for (const auto& kv : fields) {
        line[kv.key()] = kv.value();
    }
    logger_->info(boost::json::serialize(line));
}

void Logger::Flush() {
    logger_->flush();
}

bool ParseLogLevel(std::string_view text, LogLevel& out) {
    if (text == "debug")
        out = LogLevel::kDebug;
    else if (text == "info")
        out = LogLevel::kInfo;
    else if (text == "warn" || text == "warning")
        out = LogLevel::kWarn;
    else if (text == "error")
        out = LogLevel::kError;
    else
        return false;
    return true;
}

}  // namespace dihya
