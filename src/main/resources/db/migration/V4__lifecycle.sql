-- Lifecycle (issue 6): expiry deadlines (R12) and the admin e-mail outbox (R16). Both are derived from the
-- event log by Kafka consumers that dedupe through processed_events in the same transaction.

-- One row per pending deadline. kind SESSION: target = session id, due at the session's absolute expiry.
-- kind MEMBER: target = 'member', due at created + TTL of the temporary member's current life.
-- A row is claimed with FOR UPDATE SKIP LOCKED and deleted in the same transaction that appends the
-- domain's events, so it is executed at most once in effect and retried until it is.
CREATE TABLE expiry_deadlines (
    kind         TEXT        NOT NULL CHECK (kind IN ('SESSION', 'MEMBER')),
    workspace_id TEXT        NOT NULL,
    member_key   TEXT        NOT NULL,
    target       TEXT        NOT NULL,
    due_at       TIMESTAMPTZ NOT NULL,
    attempts     INT         NOT NULL DEFAULT 0,
    last_error   TEXT,
    PRIMARY KEY (workspace_id, member_key, kind, target)
);
CREATE INDEX expiry_deadlines_due ON expiry_deadlines (due_at);

-- Admin e-mails waiting to be sent. UNIQUE (event_id, recipient): one mail per event and admin, however
-- often the event is delivered. status PENDING -> SENDING (committed before the SMTP call) -> SENT; a failed
-- send goes back to PENDING with a later next_attempt_at. A crash during the send leaves SENDING: never
-- sent twice (at most once), visible to operators. HELD: a new-member mail kept for the daily digest;
-- DIGESTED: folded into a digest row (kind MEMBER_DIGEST), which is sent like any other row.
CREATE TABLE notification_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        UUID        NOT NULL,
    recipient       TEXT        NOT NULL,
    workspace_id    TEXT        NOT NULL,
    kind            TEXT        NOT NULL,
    params          JSONB       NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENDING', 'SENT', 'HELD', 'DIGESTED')),
    attempts        INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    last_error      TEXT,
    UNIQUE (event_id, recipient)
);
CREATE INDEX notification_outbox_pending ON notification_outbox (next_attempt_at) WHERE status = 'PENDING';

-- Per-workspace choice of the admins: new-member mails at once (IMMEDIATE) or one daily digest (DAILY_DIGEST).
-- JIT enabled/disabled mails are always sent at once. Kept beside the log: a notification preference is not
-- part of the provisioning domain.
CREATE TABLE notification_preferences (
    workspace_id     TEXT PRIMARY KEY,
    new_member_mails TEXT        NOT NULL CHECK (new_member_mails IN ('IMMEDIATE', 'DAILY_DIGEST')),
    updated_by       TEXT        NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
