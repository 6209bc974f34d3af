// Shapes of the server's answers that the console uses (see GET /api/v1/openapi.json).

export interface Field {
    name: string;
    type: string;
    required?: boolean;
    unique?: boolean;
    values?: string[];
    ref?: string;
    description?: string;
}

export interface Entity {
    name: string;
    description?: string;
    fields: Field[];
}

export const kSingleStackKinds = ['frontend', 'backend', 'mobile', 'ai', 'blockchain'] as const;
export type SingleStackKind = (typeof kSingleStackKinds)[number];
export type StackKind = SingleStackKind | 'devops';

export interface Stacks {
    frontend: string;
    backend: string;
    mobile: string;
    ai: string;
    devops: string[];
    blockchain: string;
}

/// The structured specification (shared/API.md, "The ProjectModel").
export interface ProjectModel {
    name?: string;
    title: string;
    description?: string;
    domain: string;
    locales: string[];
    roles: string[];
    features: string[];
    entities: Entity[];
    stacks: Stacks;
}

export interface Span {
    /// UTF-16 offsets into the text (JavaScript string indices), end excluded.
    start: number;
    end: number;
}

export interface Assumption {
    field: string;
    message: string;
    /// Where in the text the assumption comes from (servers that do not say leave it out).
    spans?: Span[];
}

/// A person's correction, applied by POST /api/v1/analyze on top of the analysis.
export type Correction = { kind: 'role'; word: string } | { kind: 'not_entity'; entity: string } | { kind: 'rename'; entity: string; to: string } | { kind: 'values'; entity: string; field: string; values: string[] };

export interface Analysis {
    model: Record<string, unknown>;
    assumptions: Assumption[];
    language: string;
    domain: string;
    domain_confidence?: number;
    engine: string;
    /// The words of the text that named each entity (entity name → words).
    entity_words?: Record<string, string>;
}

export interface CatalogFeature {
    name: string;
    title: string;
    kinds: string[];
    supported_by: Record<string, string[]>;
}

export interface Catalog {
    stacks: Record<string, string[]>;
    domains: { name: string; title: string }[];
    features: CatalogFeature[];
    field_types: string[];
    locales: string[];
    packs: { name: string; version: string; kind: string }[];
    /// Announced by the registration's documentation; absent from servers that do not publish it yet.
    privacy?: { policy_version?: string };
}

export interface FieldError {
    field: string;
    reason: string;
}

export interface Problem {
    type?: string;
    title?: string;
    status?: number;
    detail?: string;
    instance?: string;
    errors?: FieldError[];
}

export interface Tokens {
    access_token: string;
    refresh_token: string;
    token_type: string;
    expires_in: number;
    refresh_expires_in?: number;
}

export interface User {
    id: string;
    email: string;
    display_name?: string;
    locale: string;
    avatar_url?: string;
    role: 'admin' | 'user' | 'guest' | string;
    email_verified: boolean;
    disabled: boolean;
    has_password: boolean;
    created_at: string;
    updated_at: string;
    last_login_at?: string;
}

export interface Page<T> {
    items: T[];
    next_cursor?: string;
}

export interface Notification {
    id: string;
    kind: string;
    title: string;
    body: string;
    data: Record<string, unknown>;
    link: string;
    created_at: string;
    read: boolean;
    read_at?: string | null;
}

export interface NotificationPreference {
    kind: string;
    channel: string;
    enabled: boolean;
    by_default?: boolean;
}

export interface NotificationPage extends Page<Notification> {
    unread: number;
}

export interface ProjectSummary {
    id: string;
    owner_id: string;
    name: string;
    title: string;
    description: string;
    version: number;
    entity_count: number;
    from_text: boolean;
    created_at: string;
    updated_at: string;
    /// The caller's part in it: owner, editor, viewer (shared with them) or admin.
    role?: 'owner' | 'editor' | 'viewer' | 'admin' | '';
}

export interface Member {
    user_id: string;
    display_name: string;
    role: 'owner' | 'editor' | 'viewer';
    added_at: string;
    updated_at: string;
}

export interface Project extends Omit<ProjectSummary, 'from_text'> {
    spec: Record<string, unknown>;
    source_text?: string;
    assumptions?: Assumption[];
}

export type GenerationStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Generation {
    id: string;
    project_id: string;
    project_version: number;
    status: GenerationStatus;
    step?: string;
    steps: { name: string; state: 'pending' | 'running' | 'done' | 'failed' }[];
    files_done: number;
    files_total: number;
    attempts: number;
    created_at: string;
    started_at?: string;
    finished_at?: string;
    error?: string;
    file_count?: number;
    bytes?: number;
    archives?: Record<string, { sha256: string; size: number; url: string }>;
    log?: { seq: number; at: string; message: string }[];
}

export interface GeneratedFile {
    path: string;
    size: number;
    sha256: string;
    executable: boolean;
    url: string;
}

export interface Session {
    id: string;
    kind: string;
    created_at: string;
    last_used_at: string;
    expires_at: string;
    revoked_at?: string;
    revoked_reason?: string;
    current: boolean;
}

export interface ApiKey {
    id: string;
    name: string;
    prefix: string;
    scopes: string[];
    created_at: string;
    last_used_at?: string;
    expires_at?: string;
    revoked_at?: string;
}

export interface ExportJob {
    id: string;
    status: string;
    created_at: string;
    finished_at?: string;
    size?: number;
    sha256?: string;
    expires_at?: string;
    error?: string;
    status_url: string;
    archive_url?: string;
}

export interface AuditEntry {
    seq: number;
    at: string;
    action: string;
    details?: Record<string, unknown>;
    hash: string;
    pseudonymised: boolean;
    actor_id?: string | null;
    target_type?: string | null;
    target_id?: string | null;
    request_id?: string | null;
    ip?: string | null;
}

export interface Provider {
    name: string;
    title: string;
    kind: 'github' | 'google' | 'oidc' | string;
    start_url: string;
}
