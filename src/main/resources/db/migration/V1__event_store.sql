-- The event store: the source of truth. Append-only (a trigger refuses UPDATE and DELETE).
CREATE TABLE events (
    position        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Writing transaction: subscriptions read below pg_snapshot_xmin so a late commit is never skipped.
    transaction_id  XID8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id        UUID        NOT NULL UNIQUE,
    stream_id       TEXT        NOT NULL,
    version         INTEGER     NOT NULL CHECK (version > 0),
    type            TEXT        NOT NULL,
    workspace_id    TEXT        NOT NULL,
    payload         JSONB       NOT NULL,
    metadata        JSONB       NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE INDEX events_transaction_position ON events (transaction_id, position);
CREATE INDEX events_workspace ON events (workspace_id, position);

CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

-- Checkpoints of subscriptions reading the store (the Kafka relay, rebuilds), locked FOR UPDATE SKIP LOCKED.
CREATE TABLE subscription_checkpoints (
    name                TEXT PRIMARY KEY,
    last_transaction_id XID8        NOT NULL DEFAULT '0',
    last_position       BIGINT      NOT NULL DEFAULT 0,
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO subscription_checkpoints (name) VALUES ('kafka-relay');

-- Consumers of the Kafka topic record what they applied, in the same transaction as their writes.
CREATE TABLE processed_events (
    consumer     TEXT        NOT NULL,
    event_id     UUID        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
