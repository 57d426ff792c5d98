-- Snapshots of streams (issue 20): a member decision reads its stream's snapshot and only the events after it, so a
-- sign-in costs the same for a member's 500th sign-in as for its second. Derived data beside the log, written under the
-- stream's lock in the transaction that appends the events it folds; deleting any row (or all) is safe: the next
-- decision folds the stream from its first event and writes the snapshot again.
-- fold: fingerprint of the code that folds the stream (MemberSnapshots.FOLD); a snapshot of another fold is ignored.
-- state: JSON as text (written and read whole, never queried: no jsonb parsing on either side).
CREATE TABLE stream_snapshots (
    stream_id  TEXT        PRIMARY KEY,
    version    INTEGER     NOT NULL CHECK (version > 0),
    fold       TEXT        NOT NULL,
    state      TEXT        NOT NULL,
    taken_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
