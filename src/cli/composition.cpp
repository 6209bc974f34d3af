#include "cli/composition.hpp"

#include <chrono>
#include <filesystem>
#include <future>

#include "analyze/handlers.hpp"
#include "audit/chain.hpp"
#include "audit/handlers.hpp"
#include "auth/handlers.hpp"
#include "auth/oauth_handlers.hpp"
#include "backup/handlers.hpp"
#include "catalog/catalog.hpp"
#include "cli/scheduled_jobs.hpp"
#include "collab/handlers.hpp"
#include "console/handlers.hpp"
#include "docs/docs.hpp"
#include "gdpr/handlers.hpp"
#include "generator/handlers.hpp"
#include "generator/pack.hpp"
#include "graphql/api.hpp"
#include "graphql/handlers.hpp"
#include "marketplace/handlers.hpp"
#include "marketplace/kinds.hpp"
#include "notifications/handlers.hpp"
#include "ops/ops.hpp"
#include "packs/handlers.hpp"
#include "plugins/handlers.hpp"
#include "projects/events.hpp"
#include "projects/handlers.hpp"
#include "realtime/handlers.hpp"
#include "scheduler/handlers.hpp"

namespace dihya::cli {

namespace {

Result<crypto::FieldCipher> MakeCipher(const Config& config) {
    crypto::DataKey current;
    if (config.encryption.key.empty()) {
        current = crypto::DeriveDataKey(config.secret);
    } else {
        auto k = crypto::ParseDataKey(config.encryption.key, "encryption.key");
        if (!k) return k.take_error();
        current = std::move(*k);
    }
    std::vector<crypto::DataKey> previous;
    for (std::size_t i = 0; i < config.encryption.previous_keys.size(); ++i) {
        auto k = crypto::ParseDataKey(config.encryption.previous_keys[i],
                                      "encryption.previous_keys[" + std::to_string(i) + "]");
        if (!k) return k.take_error();
        previous.push_back(std::move(*k));
    }
    // A configured key may replace the one derived from the secret: keep that one readable until re-encryption.
    // (Lookups try at most three keys: the current one and two older ones.)
    if (!config.encryption.key.empty() && !config.secret.empty() && previous.size() < 2) {
        previous.push_back(crypto::DeriveDataKey(config.secret));
    }
    return crypto::FieldCipher(std::move(current), std::move(previous));
}

/// VAPID's `sub`: mailto: the address of mail.from ("Dihya <no-reply@example.org>" → mailto:no-reply@example.org).
std::string PushSubject(const std::string& from) {
    return "mailto:" + mail::AddressOf(from);
}

}  // namespace

Result<std::unique_ptr<Services>> BuildServices(const Config& config, Logger& log, storage::Db& db) {
    auto s = std::make_unique<Services>(config, log, db);
    auto cipher = MakeCipher(config);
    if (!cipher) return cipher.take_error();
    s->cipher = std::make_unique<crypto::FieldCipher>(std::move(*cipher));
    s->hasher = std::make_unique<crypto::PasswordHasher>(
        crypto::PasswordCost{static_cast<std::uint64_t>(config.auth.argon2_ops_limit),
                             static_cast<std::uint64_t>(config.auth.argon2_memory_kib) * 1024});
    s->keys = std::make_unique<auth::SigningKeys>(
        db, *s->cipher, s->clock,
        auth::SigningPolicy{config.EffectivePublicUrl(), config.auth.signing_key_rotation_seconds,
                            std::max<std::int64_t>(config.auth.access_ttl_seconds, 60)});
    if (config.mail.smtp_url.empty()) {
        const auto dir = std::filesystem::path(config.data_dir) / "outbox";
        const std::chrono::hours keep(24 * config.mail.outbox_days);
        log.Info("mail goes to the outbox directory (set mail.smtp_url to send it)", {{"outbox", dir.string()}});
        s->outbox = std::make_unique<mail::Outbox>(dir, config.mail.from, keep);
        (void)s->outbox->PurgeBefore(std::chrono::system_clock::now() - keep);
        s->mailer = std::make_unique<mail::QueuedMailer>(
            log, [outbox = s->outbox.get()](const mail::Message& m) { return outbox->Deliver(m); });
    } else {
        auto queue = std::make_unique<mail::MailQueue>(
            db, *s->cipher, s->clock, log,
            [mail = config.mail](const mail::Message& m) { return mail::DeliverSmtp(mail, m); },
            mail::MailQueueOptions{std::chrono::milliseconds(config.mail.retry_base_ms),
                                   std::chrono::milliseconds(config.mail.retry_max_ms), config.mail.max_attempts});
        s->mail_queue_data = std::make_unique<mail::MailQueueData>(*queue);
        s->mail_queue = queue.get();
        s->mailer = std::move(queue);
    }
    auto audit_log = audit::AuditLog::Create(db, {.pseudonym_key = audit::DerivePseudonymKey(config.secret)});
    if (!audit_log) return audit_log.take_error();
    s->audit_log = std::move(*audit_log);
    s->audit_sink = std::make_unique<audit::LogSink>(*s->audit_log);
    s->event_audit = std::make_unique<plugins::EventAudit>(*s->audit_sink);
    s->auth = std::make_unique<auth::AuthService>(
        auth::AuthDeps{db, *s->cipher, *s->hasher, *s->keys, *s->mailer, *s->event_audit, s->clock, log, config.auth,
                       config.EffectivePublicUrl(), config.gdpr.policy_version});
    s->jobs = std::make_unique<jobs::Queue>(db, s->clock, log,
                                            jobs::QueueOptions{.workers = static_cast<int>(config.jobs.workers),
                                                               .lease_seconds = config.jobs.lease_seconds,
                                                               .poll_ms = config.jobs.poll_ms});
    s->hub = std::make_unique<realtime::Hub>(realtime::HubOptions{
        static_cast<std::size_t>(config.realtime.event_log),
        // Event ids start at the start time in microseconds: a client resuming after a restart never takes a new
        // event for one it saw.
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count()});
    auto kinds = notifications::Catalog::LoadEmbedded();
    if (!kinds) return kinds.take_error();
    s->notification_kinds = std::move(*kinds);
    s->push_http = std::make_unique<net::CurlHttpClient>(net::HttpClientOptions{5'000, 15'000, 64 << 10});
    s->notifications = std::make_unique<notifications::NotificationsService>(notifications::NotificationsDeps{
        db, s->notification_kinds, *s->mailer, *s->hub, s->clock, log,
        [auth = s->auth.get()](storage::Session* session, const std::string& id) -> Result<notifications::Recipient> {
            auto user = session != nullptr ? auth->LoadUser(*session, id) : auth->LoadUser(id);
            if (!user) return user.take_error();
            if (user->disabled) return notifications::Recipient{"", user->locale};  // nothing goes out by mail
            return notifications::Recipient{user->email, user->locale};
        },
        config.EffectivePublicUrl(), s->cipher.get(), s->push_http.get(), PushSubject(config.mail.from),
        delivery::QueueOptions{std::chrono::milliseconds(config.push.retry_base_ms),
                               std::chrono::milliseconds(config.push.retry_max_ms), config.push.max_attempts}});
    s->notification_data = std::make_unique<notifications::NotificationData>(*s->notifications);
    s->projects_data = projects::PersonalData(*s->jobs);
    s->account_data = std::make_unique<auth::AccountData>(*s->auth);
    s->audit_data = std::make_unique<audit::AuditData>(*s->audit_log);
    // Imports are linted as `dihya pack lint` lints a folder: with the built-in catalog's vocabulary.
    auto builtin = catalog::BuiltinCatalog();
    if (!builtin) return builtin.take_error();
    s->packs = std::make_unique<packs::PackLibrary>(
        packs::PackLibraryDeps{db, *s->audit_sink, s->clock, config.packs_dir, catalog::ToVocabulary(*builtin),
                               packs::Limits{}, 100, plugins::ModuleEvaluator(plugins::HostPath(""), {})});
    s->pack_data = std::make_unique<packs::PackData>(*s->packs);
    // Plugins' fetch(): short timeouts, 1 MiB replies (docs/plugins.md "Fetching").
    s->plugin_http = std::make_unique<net::CurlHttpClient>(net::HttpClientOptions{2'000, 5'000, 1 << 20});
    s->plugins = std::make_unique<plugins::PluginRegistry>(plugins::PluginRegistryDeps{
        db, *s->audit_sink, s->clock, plugins::HostPath(""), {}, 1u << 20, 50, s->jobs.get(), s->plugin_http.get()});
    s->plugins->RegisterJobs();
    s->event_audit->UseRegistry(*s->plugins);
    s->plugin_data = std::make_unique<plugins::PluginData>(*s->plugins);
    s->market_signer =
        std::make_unique<crypto::Ed25519Signer>(crypto::Ed25519Signer::Derive(config.secret, "dihya marketplace v1"));
    marketplace::MarketplaceDeps market{db, *s->audit_sink, s->clock, *s->market_signer};
    market.kinds.emplace("plugin", marketplace::PluginKind(*s->plugins));
    market.kinds.emplace("pack", marketplace::PackKind(*s->packs));
    market.notifier = s->notifications.get();
    market.events = s->hub.get();
    market.on_decided = [registry = s->plugins.get()](storage::Session& session, const boost::json::object& data) {
        return registry->QueueEvent(&session, "review.decided", data, "");
    };
    market.display_name = [auth = s->auth.get()](const std::string& id) {
        auto user = auth->LoadUser(id);
        return user ? user->display_name.value_or("") : std::string();
    };
    s->market = std::make_unique<marketplace::Marketplace>(std::move(market));
    s->market_data = std::make_unique<marketplace::MarketplaceData>(*s->market);
    // Erasure runs the sources in this order: the account (and its cascade) goes last.
    std::vector<PersonalDataSource*> sources{s->projects_data.get(), s->notification_data.get(), s->pack_data.get(),
                                             s->market_data.get(),   s->plugin_data.get(),       s->audit_data.get()};
    if (s->outbox) {
        s->outbox_data = std::make_unique<mail::OutboxData>(
            *s->outbox,
            [auth = s->auth.get()](storage::Session& session, const std::string& id) -> Result<std::string> {
                auto user = auth->LoadUser(session, id);
                if (!user) return user.take_error();
                return user->email;
            });
        sources.push_back(s->outbox_data.get());
    } else {
        sources.push_back(s->mail_queue_data.get());
    }
    sources.push_back(s->account_data.get());
    s->gdpr = std::make_unique<gdpr::GdprService>(
        gdpr::GdprDeps{db, *s->jobs, *s->auth, *s->audit_sink, s->clock, log, config.gdpr,
                       std::filesystem::path(config.data_dir) / "exports", std::move(sources),
                       [log = s->audit_log.get()](const std::string& id) { return log->PseudonymOf(id); }});
    s->gdpr->RegisterJobs();
    s->http_client = std::make_unique<net::CurlHttpClient>();
    s->oauth = std::make_unique<auth::OAuthService>(auth::OAuthDeps{db, *s->cipher, *s->auth, *s->http_client, s->clock,
                                                                    log, config.oauth, config.EffectivePublicUrl(),
                                                                    config.cors.allowed_origins});
    if (auto ok = s->oauth->CheckProviders(); !ok) return ok.take_error();
    auto backup_keys = backup::KeysOf(config);
    if (!backup_keys) return backup_keys.take_error();
    s->backups = std::make_unique<backup::Backups>(db, config, std::move(*backup_keys), s->clock, log);
    s->scheduler =
        std::make_unique<scheduler::Scheduler>(scheduler::SchedulerDeps{db, *s->jobs, *s->audit_sink, s->clock, log});
    if (auto ok = AddScheduledJobs(*s); !ok) return ok.take_error();
    if (auto ok = s->scheduler->CheckConfigured(config.schedules); !ok) return ok.take_error();
    return s;
}

Result<void> RegisterModules(Composition& c) {
    auto cat = catalog::BuiltinCatalog();
    if (!cat) return cat.take_error();
    c.catalog = std::move(*cat);
    c.vocabulary = catalog::ToVocabulary(c.catalog);
    // The lexicons and the packs are independent and take most of the start-up: load them side by side.
    auto pending_packs =
        std::async(std::launch::async, [dir = c.config.packs_dir] { return generator::LoadPacks(dir); });
    auto analyzer = analyze::RuleAnalyzer::Create();
    auto packs = pending_packs.get();
    if (!analyzer) return analyzer.take_error();
    c.analyzer = std::move(*analyzer);
    c.active_analyzer = c.analyzer.get();
    if (!c.config.analyze.llm_url.empty()) {
        c.llm = std::make_unique<analyze::LlmAnalyzer>(
            *c.analyzer,
            *(c.llm_http = std::make_unique<net::CurlHttpClient>(
                  net::HttpClientOptions{5'000, c.config.analyze.llm_timeout_ms, 4 << 20})),
            c.log,
            analyze::LlmOptions{c.config.analyze.llm_url, c.config.analyze.llm_model, c.config.analyze.llm_api_key});
        c.active_analyzer = c.llm.get();
    }
    if (!packs) return packs.take_error();
    catalog::AddPacks(c.catalog, *packs);
    c.vocabulary = catalog::ToVocabulary(c.catalog);  // now with the features the packs implement
    c.engine = std::make_unique<generator::Engine>(std::move(*packs),
                                                   generator::EngineOptions{"", c.vocabulary.feature_kinds});
    projects::ProjectsDeps project_deps{c.db,         *c.services.jobs,       *c.engine,        *c.active_analyzer,
                                        c.vocabulary, *c.services.audit_sink, c.services.clock, c.log};
    project_deps.events = c.services.hub.get();
    c.services.plugins->UseVocabulary(c.vocabulary);
    project_deps.plugins = c.services.plugins.get();
    project_deps.notifier = c.services.notifications.get();
    project_deps.people = {
        [auth = c.services.auth.get()](std::string_view email) -> Result<std::optional<projects::Member>> {
            auto user = auth->FindByEmail(email);
            if (!user) return user.take_error();
            if (!*user) return std::optional<projects::Member>();
            return std::optional<projects::Member>(
                projects::Member{(*user)->id, (*user)->display_name.value_or(""), "", "", ""});
        },
        [auth = c.services.auth.get()](const std::string& id) {
            auto user = auth->LoadUser(id);
            return user ? user->display_name.value_or("") : std::string();
        }};
    c.projects = std::make_unique<projects::ProjectsService>(project_deps);
    projects::PublishGenerations(*c.services.jobs, *c.services.hub);
    projects::NotifyGenerations(*c.services.jobs, *c.services.notifications);
    plugins::ObserveGenerations(*c.services.jobs, *c.services.plugins);
    const auto& rt = c.config.realtime;
    c.collab = std::make_unique<collab::Rooms>(
        collab::CollabDeps{c.db, *c.projects, *c.services.hub, c.vocabulary, c.services.clock, c.log},
        collab::CollabLimits{static_cast<std::size_t>(rt.collab_max_bytes),
                             static_cast<std::size_t>(rt.collab_compact_bytes),
                             static_cast<std::size_t>(rt.collab_max_peers), static_cast<std::size_t>(rt.send_queue)});
    realtime::AddBuiltinChannels(c.channels);
    projects::AddChannels(c.channels, *c.projects);

    auto schema = graphql::BuildApiSchema({*c.services.auth, *c.projects, *c.services.notifications, c.catalog,
                                           *c.active_analyzer, c.vocabulary, c.channels,
                                           std::chrono::milliseconds(c.config.limits.analyze_budget_ms)});
    if (!schema) return schema.take_error();
    c.graphql = std::move(*schema);

    ops::Register(c.app);
    catalog::Register(c.app, c.catalog);
    analyze::Register(c.app, *c.active_analyzer, c.vocabulary);
    generator::Register(c.app, *c.engine, *c.active_analyzer, c.vocabulary);
    auth::Register(c.app, *c.services.auth, *c.services.keys);
    gdpr::Register(c.app, *c.services.gdpr);
    audit::Register(c.app, *c.services.audit_log);
    auth::RegisterOAuth(c.app, *c.services.oauth);
    projects::Register(c.app, *c.projects);
    realtime::Register(c.app, *c.services.hub, c.channels, *c.services.auth);
    notifications::Register(c.app, *c.services.notifications);
    collab::Register(c.app, *c.collab, *c.services.auth);
    graphql::Register(c.app, *c.graphql, *c.services.hub, *c.services.auth);
    scheduler::Register(c.app, *c.services.scheduler);
    backup::Register(c.app, *c.services.backups, *c.services.scheduler);
    packs::Register(c.app, *c.services.packs);
    plugins::Register(c.app, {*c.engine, *c.active_analyzer, c.vocabulary, plugins::HostPath(""), {}, 2});
    plugins::RegisterRegistry(c.app, *c.services.plugins, *c.projects);
    marketplace::Register(c.app, *c.services.market);
    docs::Register(c.app);
    console::Register(c.app);  // last: its catch-all serves the pages nothing else claims
    return Ok();
}

}  // namespace dihya::cli
