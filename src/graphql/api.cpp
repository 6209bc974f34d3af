#include "graphql/api.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "auth/handlers.hpp"
#include "core/budget.hpp"
#include "core/dto.hpp"
#include "core/paging.hpp"
#include "projects/handlers.hpp"

namespace dihya::graphql {

namespace json = boost::json;

namespace {

constexpr std::int64_t kMaxPage = 100;

const Caller& CallerOf(const FieldCall& call) {
    static const Caller kGuest;
    const auto* c = std::any_cast<Caller>(&call.context);
    return c != nullptr ? *c : kGuest;
}

const auth::Principal& Who(const FieldCall& call) {
    return CallerOf(call).who;
}

std::string Str(const json::object& args, std::string_view name) {
    auto it = args.find(name);
    return it != args.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

std::optional<std::string> OptStr(const json::object& args, std::string_view name) {
    auto it = args.find(name);
    if (it == args.end() || !it->value().is_string()) return std::nullopt;
    return std::string(it->value().as_string());
}

std::optional<std::int64_t> OptInt(const json::object& args, std::string_view name) {
    auto it = args.find(name);
    if (it == args.end() || !it->value().is_int64()) return std::nullopt;
    return it->value().as_int64();
}

bool Bool(const json::object& args, std::string_view name) {
    auto it = args.find(name);
    return it != args.end() && it->value().is_bool() && it->value().as_bool();
}

/// `first` of a connection, checked (1..kMaxPage).
Result<std::int64_t> First(const json::object& args) {
    const std::int64_t first = OptInt(args, "first").value_or(20);
    if (first < 1 || first > kMaxPage) {
        return MakeError(ErrorCode::kInvalidArgument, "first is between 1 and " + std::to_string(kMaxPage),
                         {{"first", "out of range"}});
    }
    return first;
}

std::string SourceId(const FieldCall& call, std::string_view key = "id") {
    if (!call.source.is_object()) return {};
    const auto* v = call.source.as_object().if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

/// A Relay connection: edges with each item's cursor (core/paging.hpp), nodes, pageInfo.
json::object Connection(json::array nodes, const std::optional<std::string>& next_cursor) {
    json::array edges;
    for (const auto& n : nodes) {
        const auto& o = n.as_object();
        const auto* created = o.if_contains("created_at");
        const auto* id = o.if_contains("id");
        edges.push_back(
            json::object{{"cursor", PageCursor(created && created->is_string() ? std::string(created->as_string()) : "",
                                               id && id->is_string() ? std::string(id->as_string()) : "")},
                         {"node", n}});
    }
    json::object page{{"hasNextPage", next_cursor.has_value()},
                      {"endCursor", nodes.empty() ? json::value(nullptr) : edges.back().as_object().at("cursor")}};
    return json::object{{"edges", std::move(edges)}, {"nodes", std::move(nodes)}, {"pageInfo", std::move(page)}};
}

InputValueDef In(std::string name, std::string type, std::string description = {},
                 std::optional<json::value> fallback = std::nullopt) {
    return {std::move(name), std::move(type), std::move(description), std::move(fallback)};
}

FieldDef F(std::string name, std::string type, std::string description = {}) {
    return {.name = std::move(name), .type = std::move(type), .description = std::move(description)};
}

FieldDef R(std::string name, std::string type, std::string description, Resolver resolve,
           std::vector<InputValueDef> args = {}) {
    return {.name = std::move(name),
            .type = std::move(type),
            .description = std::move(description),
            .args = std::move(args),
            .resolve = std::move(resolve)};
}

/// Analyses are long work: one costs as much as this many fields.
constexpr std::int64_t kAnalyzeCost = 100;

/// `f` with its query cost (Limits::max_cost) and the argument that multiplies what is under it.
FieldDef Weigh(FieldDef f, std::int64_t cost, std::string multiplier = {}) {
    f.cost = cost;
    f.cost_multiplier = std::move(multiplier);
    return f;
}

/// A connection field: `first` (cost multiplier) and `after`.
FieldDef Paged(std::string name, std::string type, std::string description, Resolver resolve,
               std::vector<InputValueDef> more = {}, std::int64_t page = 20) {
    std::vector<InputValueDef> args{In("first", "Int", "Items per page (1-100).", json::value(page)),
                                    In("after", "String", "The endCursor of the previous page.")};
    args.insert(args.end(), more.begin(), more.end());
    FieldDef f = R(std::move(name), std::move(type), std::move(description), std::move(resolve), std::move(args));
    f.cost_multiplier = "first";
    f.cost = 2;
    return f;
}

TypeDef Object(std::string name, std::string description, std::vector<FieldDef> fields) {
    return {.kind = TypeKind::kObject,
            .name = std::move(name),
            .description = std::move(description),
            .fields = std::move(fields)};
}

TypeDef ConnectionType(const std::string& node, std::vector<FieldDef> extra = {}) {
    std::vector<FieldDef> fields{F("edges", "[" + node + "Edge!]!"), F("nodes", "[" + node + "!]!"),
                                 F("pageInfo", "PageInfo!")};
    fields.insert(fields.end(), extra.begin(), extra.end());
    return Object(node + "Connection", "A page of " + node + " items, newest first.", std::move(fields));
}

TypeDef EdgeType(const std::string& node) {
    return Object(node + "Edge", "An item and the cursor to page on from it.",
                  {F("cursor", "String!"), F("node", node + "!")});
}

}  // namespace

Result<std::unique_ptr<Schema>> BuildApiSchema(const ApiDeps& deps) {
    auto schema = std::make_unique<Schema>();
    Schema& s = *schema;
    s.description = "Dihya: from a specification to a generated multi-stack project (docs/graphql.md).";
    s.mutation_type = "Mutation";
    s.subscription_type = "Subscription";
    auth::AuthService& auth = deps.auth;
    projects::ProjectsService& projects = deps.projects;
    notifications::NotificationsService& notes = deps.notifications;
    const catalog::Catalog& catalog = deps.catalog;
    analyze::Analyzer& analyzer = deps.analyzer;
    const model::Vocabulary& vocabulary = deps.vocabulary;
    const realtime::ChannelGuard& channels = deps.channels;
    const auto budget = deps.analyze_budget;

    s.Add({.kind = TypeKind::kScalar,
           .name = "JSON",
           .description = "Any JSON value: a ProjectModel, a notification's data.",
           .specified_by = "https://www.rfc-editor.org/rfc/rfc8259"});
    s.Add(Object("PageInfo", "Where a page ends and whether another follows.",
                 {F("hasNextPage", "Boolean!"), F("endCursor", "String", "Pass as `after` for the next page.")}));

    // --- accounts, catalog, analysis ---------------------------------------------------------------------------
    s.Add(Object("User", "An account (what GET /api/v1/auth/me answers).",
                 {F("id", "ID!"), F("email", "String!"), F("displayName", "String"), F("locale", "String!"),
                  F("avatarUrl", "String"), F("role", "String!", "admin or user"), F("emailVerified", "Boolean!"),
                  F("hasPassword", "Boolean!"), F("createdAt", "String!"), F("lastLoginAt", "String")}));
    s.Add(Object("NamedItem", "A name and its title.", {F("name", "String!"), F("title", "String!")}));
    s.Add(Object("StackKind", "The stacks of one kind (web, backend, mobile, …).",
                 {F("kind", "String!"), F("stacks", "[String!]!")}));
    s.Add(Object("Feature", "A feature a specification may ask for.",
                 {F("name", "String!"), F("title", "String!"), F("kinds", "[String!]!"),
                  F("supportedBy", "JSON!", "kind → the stacks whose pack implements it")}));
    s.Add(Object("Pack", "An installed template pack.",
                 {F("name", "String!"), F("version", "String!"), F("kind", "String!")}));
    s.Add(Object("Catalog", "What the generator knows (GET /api/v1/catalog).",
                 {F("stacks", "[StackKind!]!"), F("domains", "[NamedItem!]!"), F("features", "[Feature!]!"),
                  F("fieldTypes", "[String!]!"), F("locales", "[String!]!"), F("packs", "[Pack!]!")}));
    s.Add(Object("Span", "Where in the analysed text (UTF-16 offsets).", {F("start", "Int!"), F("end", "Int!")}));
    s.Add(Object("Assumption", "Something the analysis assumed.",
                 {F("field", "String!"), F("message", "String!"), F("spans", "[Span!]")}));
    s.Add(Object(
        "Analysis", "A free-text specification understood (POST /api/v1/analyze).",
        {F("model", "JSON!", "The ProjectModel"), F("assumptions", "[Assumption!]!"), F("language", "String!"),
         F("domain", "String!"), F("domainConfidence", "Float!"), F("engine", "String!"), F("entityWords", "JSON!")}));

    // --- projects ----------------------------------------------------------------------------------------------
    s.Add(Object("Member", "Someone a project is shared with (the owner first).",
                 {F("userId", "ID!"), F("displayName", "String!"), F("role", "String!", "owner, editor or viewer"),
                  F("addedAt", "String!")}));
    s.Add(Object("Step", "A step of a generation.", {F("name", "String!"), F("state", "String!")}));
    s.Add(Object("LogLine", "A line of a generation's log.",
                 {F("seq", "Int!"), F("at", "String!"), F("message", "String!")}));
    s.Add(Object("Generation", "A generation of a project's version (as GET …/generations/{id}).",
                 {F("id", "ID!"), F("projectId", "ID!"), F("projectVersion", "Int!"),
                  F("status", "String!", "queued, running, succeeded, failed or cancelled"), F("step", "String"),
                  F("steps", "[Step!]!"), F("filesDone", "Int!"), F("filesTotal", "Int!"), F("attempts", "Int!"),
                  F("createdAt", "String!"), F("startedAt", "String"), F("finishedAt", "String"), F("error", "String"),
                  F("fileCount", "Int"), F("bytes", "Int"),
                  Weigh(R("log", "[LogLine!]!", "The log after line `after`.",
                          [&projects](const FieldCall& call) -> Result<json::value> {
                              auto lines = projects.GenerationLog(
                                  Who(call), SourceId(call, "project_id"), SourceId(call),
                                  OptInt(call.args, "after").value_or(0), OptInt(call.args, "first").value_or(100));
                              if (!lines) return lines.take_error();
                              json::array out;
                              for (const auto& e : *lines) {
                                  out.push_back(json::object{{"seq", e.seq}, {"at", e.at}, {"message", e.message}});
                              }
                              return json::value(std::move(out));
                          },
                          {In("after", "Int", "Lines after this sequence number.", json::value(0)),
                           In("first", "Int", "At most this many lines (1-1000).", json::value(100))}),
                        1, "first")}));
    s.Add(EdgeType("Generation"));
    s.Add(ConnectionType("Generation"));

    TypeDef project = Object(
        "Project", "A saved specification (as GET /api/v1/projects/{id}).",
        {F("id", "ID!"), F("ownerId", "ID!"), F("name", "String!"), F("title", "String!"), F("description", "String!"),
         F("spec", "JSON!", "The normalised ProjectModel."), F("sourceText", "String"),
         F("assumptions", "[Assumption!]!"), F("version", "Int!"), F("entityCount", "Int!"), F("createdAt", "String!"),
         F("updatedAt", "String!"), F("role", "String!", "The caller's part: owner, editor, viewer or admin.")});
    project.fields.push_back(Paged(
        "generations", "GenerationConnection!", "Its generations, newest first.",
        [&projects](const FieldCall& call) -> Result<json::value> {
            auto first = First(call.args);
            if (!first) return first.take_error();
            auto page = projects.ListGenerations(Who(call), SourceId(call), Str(call.args, "after"), *first);
            if (!page) return page.take_error();
            json::array nodes;
            for (const auto& j : page->items) nodes.push_back(projects::GenerationJson(j));
            return json::value(Connection(std::move(nodes), page->next_cursor));
        },
        {}, 10));
    project.fields.push_back(R("generation", "Generation",
                               "One of its generations (null when there is no such generation).",
                               [&projects](const FieldCall& call) -> Result<json::value> {
                                   auto job = projects.GetGeneration(Who(call), SourceId(call), Str(call.args, "id"));
                                   if (!job && job.error().code == ErrorCode::kNotFound) return json::value(nullptr);
                                   if (!job) return job.take_error();
                                   return projects::GenerationJson(*job);
                               },
                               {In("id", "ID!")}));
    project.fields.push_back(R("members", "[Member!]!", "Who it is shared with, the owner first.",
                               [&projects](const FieldCall& call) -> Result<json::value> {
                                   auto list = projects.Members(Who(call), SourceId(call));
                                   if (!list) return list.take_error();
                                   json::array out;
                                   for (const auto& m : *list) out.push_back(projects::MemberJson(m));
                                   return json::value(std::move(out));
                               }));
    s.Add(std::move(project));
    s.Add(EdgeType("Project"));
    s.Add(ConnectionType("Project"));

    // --- notifications -----------------------------------------------------------------------------------------
    s.Add(Object("Notification", "An in-app notification.",
                 {F("id", "ID!"), F("kind", "String!"), F("title", "String!"), F("body", "String!"), F("data", "JSON!"),
                  F("link", "String!"), F("createdAt", "String!"), F("read", "Boolean!"), F("readAt", "String")}));
    s.Add(EdgeType("Notification"));
    s.Add(ConnectionType("Notification", {F("unreadCount", "Int!", "Unread notifications in all.")}));

    // --- Query -------------------------------------------------------------------------------------------------
    s.Add(Object(
        "Query", "Reads.",
        {R("me", "User", "The signed-in account; null for guests.",
           [&auth](const FieldCall& call) -> Result<json::value> {
               if (!Who(call).authenticated()) return json::value(nullptr);
               auto user = auth.GetMe(Who(call));
               if (!user) return user.take_error();
               return json::value(auth::UserJson(*user));
           }),
         R("catalog", "Catalog!", "Stacks, domains, features, field types, locales and packs.",
           [&catalog](const FieldCall&) -> Result<json::value> {
               json::value out = dto::Encode(catalog);
               json::array stacks;
               for (const auto& [kind, list] : catalog.stacks) {
                   json::array names;
                   for (const auto& n : list) names.push_back(json::value(n));
                   stacks.push_back(json::object{{"kind", kind}, {"stacks", std::move(names)}});
               }
               out.as_object()["stacks"] = std::move(stacks);
               return out;
           }),
         Weigh(R("analyze", "Analysis!", "Understands a free-text specification (French, English or Arabic).",
                 [&analyzer, &vocabulary, budget](const FieldCall& call) -> Result<json::value> {
                     const Caller& c = CallerOf(call);
                     auto analysis = analyzer.Analyze(Str(call.args, "text"), vocabulary,
                                                      Budget(c.received_at, budget, c.cancelled, "the analysis"));
                     if (!analysis) return analysis.take_error();
                     return analyze::AnalysisToJson(*analysis);
                 },
                 {In("text", "String!", "The specification, up to 100,000 characters.")}),
               kAnalyzeCost),
         R("project", "Project", "A project you may read; null when there is none (or not yours to see).",
           [&projects](const FieldCall& call) -> Result<json::value> {
               auto p = projects.Get(Who(call), Str(call.args, "id"));
               if (!p && p.error().code == ErrorCode::kNotFound) return json::value(nullptr);
               if (!p) return p.take_error();
               return projects::ProjectJson(*p);
           },
           {In("id", "ID!")}),
         Paged("projects", "ProjectConnection!", "Your projects (or those shared with you), newest first.",
               [&projects](const FieldCall& call) -> Result<json::value> {
                   auto first = First(call.args);
                   if (!first) return first.take_error();
                   projects::ProjectQuery q;
                   q.cursor = Str(call.args, "after");
                   q.limit = *first;
                   q.q = Str(call.args, "q");
                   q.shared = Bool(call.args, "shared");
                   auto page = projects.List(Who(call), q);
                   if (!page) return page.take_error();
                   json::array nodes;
                   for (const auto& p : page->items) nodes.push_back(projects::ProjectJson(p));
                   return json::value(Connection(std::move(nodes), page->next_cursor));
               },
               {In("q", "String", "Part of the name or title, any case."),
                In("shared", "Boolean", "The projects shared with you instead of yours.", json::value(false))}),
         Paged("notifications", "NotificationConnection!", "Your in-app notifications, newest first.",
               [&notes](const FieldCall& call) -> Result<json::value> {
                   auto first = First(call.args);
                   if (!first) return first.take_error();
                   auto page = notes.List(Who(call), Str(call.args, "after"), *first, Bool(call.args, "unreadOnly"));
                   if (!page) return page.take_error();
                   json::array nodes;
                   for (const auto& n : page->items) nodes.push_back(notifications::NotificationJson(n));
                   json::object out = Connection(std::move(nodes), page->next_cursor);
                   out["unreadCount"] = page->unread;
                   return json::value(std::move(out));
               },
               {In("unreadOnly", "Boolean", "Only the unread ones.", json::value(false))})}));

    // --- Mutation ----------------------------------------------------------------------------------------------
    TypeDef project_input{.kind = TypeKind::kInputObject,
                          .name = "ProjectInput",
                          .description = "A specification: free `text`, or a structured `model` (ProjectModel).",
                          .input_fields = {In("text", "String", "Free text in French, English or Arabic."),
                                           In("model", "JSON", "A structured ProjectModel."),
                                           In("name", "String", "Overrides the specification's name."),
                                           In("title", "String"), In("description", "String")}};
    s.Add(std::move(project_input));
    s.Add({.kind = TypeKind::kInputObject,
           .name = "ProjectPatch",
           .description = "A JSON merge patch of a project: null clears, absent keeps.",
           .input_fields = {In("name", "String"), In("title", "String"), In("description", "String"),
                            In("spec", "JSON", "A merge patch of the ProjectModel."),
                            In("text", "String", "A new free text, analysed again.")}});
    s.Add(Object("Mutation", "Changes.",
                 {R("createProject", "Project!", "Saves a specification as a new project.",
                    [&projects, budget](const FieldCall& call) -> Result<json::value> {
                        const Caller& c = CallerOf(call);
                        static const json::object kNone;
                        const auto* given = call.args.if_contains("input");
                        const json::object& in = given != nullptr && given->is_object() ? given->as_object() : kNone;
                        projects::ProjectInput input;
                        input.spec.text = OptStr(in, "text");
                        if (auto it = in.find("model"); it != in.end() && !it->value().is_null())
                            input.spec.model = it->value();
                        input.spec.budget = Budget(c.received_at, budget, c.cancelled, "the analysis");
                        input.name = OptStr(in, "name");
                        input.title = OptStr(in, "title");
                        input.description = OptStr(in, "description");
                        auto created = projects.Create(c.who, input, std::nullopt, c.request);
                        if (!created) return created.take_error();
                        return projects::ProjectJson(created->project);
                    },
                    {In("input", "ProjectInput!")}),
                  R("updateProject", "Project!", "Changes a project (JSON merge patch semantics).",
                    [&projects, budget](const FieldCall& call) -> Result<json::value> {
                        const Caller& c = CallerOf(call);
                        const auto* given = call.args.if_contains("patch");
                        projects::ProjectPatch patch =
                            given != nullptr && given->is_object() ? given->as_object() : projects::ProjectPatch();
                        auto p = projects.Patch(c.who, Str(call.args, "id"), patch, OptInt(call.args, "ifVersion"),
                                                c.request, Budget(c.received_at, budget, c.cancelled, "the analysis"));
                        if (!p) return p.take_error();
                        return projects::ProjectJson(*p);
                    },
                    {In("id", "ID!"), In("patch", "ProjectPatch!"),
                     In("ifVersion", "Int", "Only if the project is still at this version (like If-Match).")}),
                  R("deleteProject", "ID!", "Deletes a project and its generations; answers its id.",
                    [&projects](const FieldCall& call) -> Result<json::value> {
                        const Caller& c = CallerOf(call);
                        const std::string id = Str(call.args, "id");
                        if (auto ok = projects.Delete(c.who, id, OptInt(call.args, "ifVersion"), c.request); !ok) {
                            return ok.take_error();
                        }
                        return json::value(id);
                    },
                    {In("id", "ID!"), In("ifVersion", "Int")}),
                  R("shareProject", "Member!", "Shares a project with an account, as viewer or editor (owner only).",
                    [&projects](const FieldCall& call) -> Result<json::value> {
                        const Caller& c = CallerOf(call);
                        auto m = projects.Share(c.who, Str(call.args, "id"), Str(call.args, "email"),
                                                Str(call.args, "role"), c.request);
                        if (!m) return m.take_error();
                        return projects::MemberJson(*m);
                    },
                    {In("id", "ID!"), In("email", "String!"), In("role", "String!", "viewer or editor")}),
                  R("startGeneration", "Generation!", "Queues a generation of the project's current version.",
                    [&projects](const FieldCall& call) -> Result<json::value> {
                        const Caller& c = CallerOf(call);
                        auto job = projects.StartGeneration(c.who, Str(call.args, "projectId"), c.request);
                        if (!job) return job.take_error();
                        return projects::GenerationJson(*job);
                    },
                    {In("projectId", "ID!")}),
                  R("markNotificationRead", "Notification!", "Marks a notification read.",
                    [&notes](const FieldCall& call) -> Result<json::value> {
                        auto n = notes.MarkRead(Who(call), Str(call.args, "id"));
                        if (!n) return n.take_error();
                        return json::value(notifications::NotificationJson(*n));
                    },
                    {In("id", "ID!")}),
                  R("markAllNotificationsRead", "Int!", "Marks every notification read; answers how many were unread.",
                    [&notes](const FieldCall& call) -> Result<json::value> {
                        auto n = notes.MarkAllRead(Who(call));
                        if (!n) return n.take_error();
                        return json::value(*n);
                    })}));

    // --- Subscription ------------------------------------------------------------------------------------------
    s.Add(Object(
        "GenerationEvent", "A step of a generation as it runs (events of generation:{id}).",
        {F("event", "String!", "generation.progress, generation.log or generation.finished"), F("generation", "ID!"),
         F("project", "ID"), F("status", "String"), F("step", "String"), F("done", "Int", "Files rendered so far."),
         F("total", "Int"), F("error", "String"), F("seq", "Int", "generation.log: the line's number"),
         F("at", "String"), F("message", "String", "generation.log: the line")}));
    s.Add(Object("NotificationEvent", "A change of your notifications (events of user:{id}).",
                 {F("event", "String!", "notification.created, notification.read or notification.deleted"),
                  F("unread", "Int!", "Unread notifications after it."),
                  F("notification", "Notification", "notification.created: the new one"),
                  F("id", "ID", "notification.deleted: which"), F("all", "Boolean", "notification.read: all of them"),
                  F("ids", "[ID!]", "notification.read: which")}));
    FieldDef progress = F("generationProgress", "GenerationEvent!",
                          "Follows a generation from its start (as far as the event log reaches): progress, log lines, "
                          "and the end, after which the subscription completes.");
    progress.args = {In("id", "ID!", "The generation.")};
    progress.subscribe = [&channels](const FieldCall& call) -> Result<SourceStream> {
        const std::string channel = "generation:" + Str(call.args, "id");
        if (auto ok = channels.Authorize(Who(call), channel); !ok) return ok.take_error();
        SourceStream out;
        out.channels = {channel};
        out.replay = true;  // from its start, as far as the event log reaches
        out.end_events = {"generation.finished"};
        out.map = [](std::string_view, std::string_view event, const json::value& data) -> std::optional<json::value> {
            if (!data.is_object()) return std::nullopt;
            json::object o = data.as_object();
            o["event"] = event;
            return json::value(std::move(o));
        };
        return out;
    };
    FieldDef mine = F("notifications", "NotificationEvent!", "Your notifications as they come and are read.");
    mine.subscribe = [&channels](const FieldCall& call) -> Result<SourceStream> {
        if (!Who(call).authenticated())
            return MakeError(ErrorCode::kUnauthenticated, "sign in to follow notifications");
        const std::string channel = "user:" + Who(call).user_id;
        if (auto ok = channels.Authorize(Who(call), channel); !ok) return ok.take_error();
        SourceStream out;
        out.channels = {channel};
        out.map = [](std::string_view, std::string_view event, const json::value& data) -> std::optional<json::value> {
            if (event.rfind("notification.", 0) != 0 || !data.is_object()) return std::nullopt;
            json::object o = data.as_object();
            o["event"] = event;
            return json::value(std::move(o));
        };
        return out;
    };
    s.Add(Object("Subscription", "Live events (graphql-transport-ws over WebSocket at /graphql).",
                 {std::move(progress), std::move(mine)}));

    if (auto ok = s.Finish(); !ok) {
        return MakeError(ErrorCode::kInternal, "the GraphQL schema does not hold together: " + ok.error().message);
    }
    return schema;
}

}  // namespace dihya::graphql
