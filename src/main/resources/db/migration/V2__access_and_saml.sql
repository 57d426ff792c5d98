-- State kept beside the log, written in the same transaction as the events it follows (never a dual write).

-- Consistent index of live members: id lookup, authentication and the last-admin rule (R10).
CREATE TABLE member_index (
    workspace_id TEXT        NOT NULL,
    member_key   TEXT        NOT NULL,
    member_id    UUID        NOT NULL UNIQUE,
    email        TEXT        NOT NULL,
    role         TEXT        NOT NULL,
    origin       TEXT        NOT NULL,
    temporary    BOOLEAN     NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (workspace_id, member_key)
);
CREATE INDEX member_index_role ON member_index (workspace_id, role);

-- Break-glass password sign-in (owners). bcrypt hashes; never published as events.
CREATE TABLE credentials (
    workspace_id  TEXT NOT NULL,
    member_key    TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (workspace_id, member_key)
);

-- API tokens: only a SHA-256 of the secret is kept; the secret is shown once.
CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    workspace_id TEXT        NOT NULL,
    name         TEXT        NOT NULL,
    token_hash   TEXT        NOT NULL UNIQUE,
    member_key   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);

-- Live sessions for cookie authentication; the cookie holds a random secret, the table its SHA-256.
CREATE TABLE auth_sessions (
    session_id     UUID PRIMARY KEY,
    secret_hash    TEXT        NOT NULL UNIQUE,
    workspace_id   TEXT        NOT NULL,
    member_key     TEXT        NOT NULL,
    effective_role TEXT        NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX auth_sessions_member ON auth_sessions (workspace_id, member_key);

-- SAML replay cache shared by all replicas (SPEC §4.11): kept until the assertion could no longer be valid.
CREATE TABLE saml_replay_cache (
    assertion_id TEXT PRIMARY KEY,
    workspace_id TEXT        NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX saml_replay_cache_expiry ON saml_replay_cache (expires_at);

-- The last rejected SAML Response of each workspace, for the assertion inspector (R20). Overwritten.
CREATE TABLE saml_last_rejected (
    workspace_id  TEXT PRIMARY KEY,
    saml_response TEXT        NOT NULL,
    error_code    TEXT        NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL
);
