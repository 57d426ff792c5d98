-- Read models fed from the Kafka topic (package projection). Each is rebuildable from the event store:
-- truncating its tables and its processed_events rows and replaying gives the same rows.

-- Membership view (Members page). A deleted member stays, as DELETED, so its identity is kept.
CREATE TABLE members_view (
    workspace_id    TEXT        NOT NULL,
    member_key      TEXT        NOT NULL,
    member_id       UUID        NOT NULL UNIQUE,
    email           TEXT        NOT NULL,
    display_name    TEXT,
    role            TEXT        NOT NULL,
    origin          TEXT        NOT NULL,
    temporary       BOOLEAN     NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'DELETED')),
    created_at      TIMESTAMPTZ NOT NULL,
    last_sign_in_at TIMESTAMPTZ,
    deleted_at      TIMESTAMPTZ,
    -- store position of the last event applied to the row (lag metric, rebuild comparison)
    last_position   BIGINT      NOT NULL,
    PRIMARY KEY (workspace_id, member_key)
);
CREATE INDEX members_view_email ON members_view (workspace_id, status, email);
CREATE INDEX members_view_created ON members_view (workspace_id, status, created_at);

-- Active sessions with their effective role (R9). Ended sessions are removed.
CREATE TABLE sessions_view (
    session_id     UUID PRIMARY KEY,
    workspace_id   TEXT        NOT NULL,
    member_key     TEXT        NOT NULL,
    effective_role TEXT        NOT NULL,
    via            TEXT,
    started_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    last_position  BIGINT      NOT NULL
);
CREATE INDEX sessions_view_member ON sessions_view (workspace_id, member_key);

-- Audit log (R17): one entry per event, id = event id.
CREATE TABLE audit_log (
    id            UUID PRIMARY KEY,
    position      BIGINT      NOT NULL,
    workspace_id  TEXT        NOT NULL,
    occurred_at   TIMESTAMPTZ NOT NULL,
    type          TEXT        NOT NULL,
    actor_type    TEXT,
    actor_id      TEXT,
    member_key    TEXT,
    member_email  TEXT,
    summary       TEXT        NOT NULL,
    details       JSONB       NOT NULL
);
-- keyset pagination and export: (occurred_at, position) is unique per entry
CREATE INDEX audit_log_time ON audit_log (workspace_id, occurred_at, position);
CREATE INDEX audit_log_member ON audit_log (workspace_id, member_key, occurred_at);
CREATE INDEX audit_log_type ON audit_log (workspace_id, type, occurred_at);

-- The audit projection's own memory of member identities, so entries of later events (and of members deleted
-- since) carry the e-mail without reading another projection (which may lag or be rebuilding).
CREATE TABLE audit_members (
    workspace_id TEXT NOT NULL,
    member_key   TEXT NOT NULL,
    email        TEXT NOT NULL,
    PRIMARY KEY (workspace_id, member_key)
);

-- One row per projection: the rebuild gate. Consumers read it FOR SHARE in each transaction; a rebuild sets
-- rebuilding = true (waiting for in-flight consumer transactions) so live consumers pause until it is done.
CREATE TABLE projection_state (
    name                TEXT PRIMARY KEY,
    rebuilding          BOOLEAN     NOT NULL DEFAULT false,
    rebuild_started_at  TIMESTAMPTZ,
    rebuild_finished_at TIMESTAMPTZ,
    rebuilt_events      BIGINT      NOT NULL DEFAULT 0
);
INSERT INTO projection_state (name) VALUES ('members'), ('sessions'), ('audit');
