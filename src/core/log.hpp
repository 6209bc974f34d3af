#pragma once

#include <memory>
#include <string_view>

#include <boost/json/object.hpp>

namespace spdlog {
class logger;
}

namespace dihya {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

/// Structured logger: one JSON object per line ({"ts","level","msg",...fields}).
/// Callers must not pass secrets or personal data in fields; see core/redact.hpp.
class Logger final {
public:
    /// Logs to stderr.
    explicit Logger(LogLevel min_level);
    ~Logger();
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    void Log(LogLevel level, std::string_view msg, const boost::json::object& fields = {});
    void Debug(std::string_view msg, const boost::json::object& fields = {}) { Log(LogLevel::kDebug, msg, fields); }
    void Info(std::string_view msg, const boost::json::object& fields = {}) { Log(LogLevel::kInfo, msg, fields); }
    void Warn(std::string_view msg, const boost::json::object& fields = {}) { Log(LogLevel::kWarn, msg, fields); }
    void Error(std::string_view msg, const boost::json::object& fields = {}) { Log(LogLevel::kError, msg, fields); }
    bool Enabled(LogLevel level) const { return level >= min_level_; }
    void Flush();

private:
    LogLevel min_level_;
    std::shared_ptr<spdlog::logger> logger_;
};

/// Parses "debug" | "info" | "warn" | "error".
bool ParseLogLevel(std::string_view text, LogLevel& out);

}  // namespace dihya
