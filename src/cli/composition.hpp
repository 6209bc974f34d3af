#pragma once

#include <memory>
#include <vector>

#include "analyze/analyzer.hpp"
#include "analyze/llm_analyzer.hpp"
#include "audit/audit_log.hpp"
#include "audit/personal_data.hpp"
#include "audit/sink.hpp"
#include "auth/oauth.hpp"
#include "auth/personal_data.hpp"
#include "auth/service.hpp"
#include "auth/signing_keys.hpp"
#include "backup/service.hpp"
#include "catalog/catalog.hpp"
#include "collab/rooms.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "core/personal_data.hpp"
#include "gdpr/service.hpp"
#include "generator/engine.hpp"
#include "graphql/schema.hpp"
#include "http/app.hpp"
#include "jobs/queue.hpp"
#include "mail/mailer.hpp"
#include "mail/outbox.hpp"
#include "mail/queue.hpp"
#include "marketplace/marketplace.hpp"
#include "net/http_client.hpp"
#include "notifications/catalog.hpp"
#include "notifications/personal_data.hpp"
#include "notifications/service.hpp"
#include "packs/library.hpp"
#include "plugins/registry.hpp"
#include "projects/service.hpp"
#include "realtime/channels.hpp"
#include "realtime/hub.hpp"
#include "scheduler/scheduler.hpp"
#include "storage/db.hpp"

namespace dihya::cli {

/// The services, built once from the configuration and the database, in dependency order. No HTTP here: the
/// command-line tools (user create, keys rotate) use them too.
struct Services {
    Services(const Config& c, Logger& l, storage::Db& d) : config(c), log(l), db(d) {}
    const Config& config;
    Logger& log;
    storage::Db& db;
    Clock clock;
    std::unique_ptr<crypto::FieldCipher> cipher;
    std::unique_ptr<crypto::PasswordHasher> hasher;
    std::unique_ptr<auth::SigningKeys> keys;
    std::unique_ptr<mail::Outbox> outbox;  // without mail.smtp_url (declared before the mailer that writes to it)
    std::unique_ptr<mail::Mailer> mailer;
    std::unique_ptr<audit::AuditLog> audit_log;
    std::unique_ptr<audit::LogSink> audit_sink;
    std::unique_ptr<plugins::EventAudit> event_audit;  // the audit sink of accounts: user.registered for plugins
    std::unique_ptr<auth::AuthService> auth;
    /// Background jobs of every module (generations, ...): modules register their handlers while they are built;
    /// `serve` starts the workers once the server listens and stops them on shutdown.
    std::unique_ptr<jobs::Queue> jobs;
    /// Live events (WebSocket, server-sent events): services publish, connections subscribe.
    std::unique_ptr<realtime::Hub> hub;
    std::unique_ptr<net::HttpClient> push_http;  // Web Push deliveries (declared before their user)
    notifications::Catalog notification_kinds;
    std::unique_ptr<notifications::NotificationsService> notifications;
    std::unique_ptr<notifications::NotificationData> notification_data;
    /// GDPR sources (core/personal_data.hpp) of the modules built here.
    std::unique_ptr<PersonalDataSource> projects_data;
    std::unique_ptr<auth::AccountData> account_data;
    std::unique_ptr<audit::AuditData> audit_data;
    std::unique_ptr<mail::OutboxData> outbox_data;
    std::unique_ptr<mail::MailQueueData> mail_queue_data;  // with mail.smtp_url
    mail::MailQueue* mail_queue = nullptr;                 // the mailer, with mail.smtp_url
    std::unique_ptr<gdpr::GdprService> gdpr;
    std::unique_ptr<net::HttpClient> http_client;  // outgoing HTTP (OAuth providers)
    std::unique_ptr<auth::OAuthService> oauth;
    /// Cron-timed jobs (backups, retention, cleanup): `serve` starts it with the queue's workers.
    std::unique_ptr<scheduler::Scheduler> scheduler;
    std::unique_ptr<backup::Backups> backups;              // backup.dir: the scheduled job "backup" and the admin API
    std::unique_ptr<packs::PackLibrary> packs;             // installed packs, and those users import
    std::unique_ptr<packs::PackData> pack_data;            // GDPR: the packs a user imported
    std::unique_ptr<net::HttpClient> plugin_http;          // plugins' fetch()
    std::unique_ptr<plugins::PluginRegistry> plugins;      // installed plugins, run by generations
    std::unique_ptr<plugins::PluginData> plugin_data;      // GDPR: the plugins a user installed
    std::unique_ptr<crypto::Ed25519Signer> market_signer;  // signs approved marketplace packages
    std::unique_ptr<marketplace::Marketplace> market;      // published plugins and packs
    std::unique_ptr<marketplace::MarketplaceData> market_data;  // GDPR: items, reviews, installs
};

/// kInvalidArgument for bad keys in the configuration (encryption.*).
Result<std::unique_ptr<Services>> BuildServices(const Config& config, Logger& log, storage::Db& db);

/// Everything `serve` runs: the services plus routes and documentation.
struct Composition {
    explicit Composition(Services& s) : services(s), config(s.config), log(s.log), db(s.db) {}
    Services& services;
    const Config& config;
    Logger& log;
    storage::Db& db;
    http::Router router;
    http::Metrics metrics;
    std::vector<http::TagDoc> tags;
    http::App app{config, log, router, metrics, db, tags};
    catalog::Catalog catalog;
    model::Vocabulary vocabulary;
    std::unique_ptr<analyze::RuleAnalyzer> analyzer;
    /// The analyser the routes use: the language model when analyze.llm_url is set (falling back to the rules).
    std::unique_ptr<net::HttpClient> llm_http;  // its own timeouts: a model may take seconds
    std::unique_ptr<analyze::LlmAnalyzer> llm;
    analyze::Analyzer* active_analyzer = nullptr;
    std::unique_ptr<generator::Engine> engine;
    std::unique_ptr<projects::ProjectsService> projects;
    std::unique_ptr<collab::Rooms> collab;     // collaborative documents of projects (after projects: uses them)
    realtime::ChannelGuard channels;           // who may watch which channel: each module adds its kinds
    std::unique_ptr<graphql::Schema> graphql;  // over the services above
};

Result<void> RegisterModules(Composition& c);

}  // namespace dihya::cli
