-- Security hardening (docs/security.md).

-- G3: an API token is bound to one life of its member (member_index.created_at when it was made): a member
-- deleted and created again with the same key never inherits a token. revoked_reason says why it died.
ALTER TABLE api_tokens ADD COLUMN member_since TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN revoked_reason TEXT;
-- Only a token made during the member's current life is bound to it; one made in an earlier life stays unbound (and
-- is revoked below), so the migration itself never revives a token.
UPDATE api_tokens t SET member_since = m.created_at
    FROM member_index m WHERE m.workspace_id = t.workspace_id AND m.member_key = t.member_key AND t.revoked_at IS NULL
      AND t.created_at >= m.created_at;
-- A live token whose member is gone today is one that would have come back to life: revoke it.
UPDATE api_tokens SET revoked_at = now(), revoked_reason = 'member_deleted: before token binding'
    WHERE revoked_at IS NULL AND member_since IS NULL;
UPDATE api_tokens SET revoked_reason = 'revoked_by_admin' WHERE revoked_at IS NOT NULL AND revoked_reason IS NULL;

-- G7: member stream ids were 'member-<workspace>-<key>', ambiguous because workspace ids contain '-'
-- (workspace 'a-b' + key 'c' = workspace 'a' + key 'b-c'). They become 'member-<workspace>/<key>': a workspace id
-- is [a-z0-9-] and never contains '/'. Every event row carries its workspace_id, so the old id is split exactly.
-- Versions are renumbered 1..n per new stream: a stream two workspaces shared leaves gaps in each half otherwise,
-- and appends (expected version = number of events) would conflict forever. For every other stream the numbers
-- stay the same. This is the one rewrite of stored events: identifiers only, payloads and positions kept.
ALTER TABLE events DISABLE TRIGGER events_append_only;
ALTER TABLE events DROP CONSTRAINT events_stream_version;
UPDATE events e SET stream_id = m.new_id, version = m.n
    FROM (SELECT position, new_id, row_number() OVER (PARTITION BY new_id ORDER BY version, position) AS n
          FROM (SELECT position, version,
                       'member-' || workspace_id || '/' || substr(stream_id, length('member-' || workspace_id || '-') + 1) AS new_id
                FROM events
                WHERE stream_id LIKE 'member-%'
                  AND left(stream_id, length('member-' || workspace_id || '-')) = 'member-' || workspace_id || '-') renamed) m
    WHERE e.position = m.position;
ALTER TABLE events ADD CONSTRAINT events_stream_version UNIQUE (stream_id, version);
ALTER TABLE events ENABLE TRIGGER events_append_only;
-- A replica still running the previous release during a rolling update would append under the old id and fork the
-- stream: such an append now fails (and is retried by its caller) instead.
ALTER TABLE events ADD CONSTRAINT events_member_stream_id CHECK (stream_id NOT LIKE 'member-%' OR strpos(stream_id, '/') > 0);

-- G5: password sign-in throttling, shared by every replica. One row per key: 'account:<workspace>/<e-mail>' or
-- 'address:<client address>'. failures counts consecutive failures (forgotten after jit.password-throttle.forget-after
-- without one); locked_until is set once failures reach the limit and doubles with each further failure.
CREATE TABLE sign_in_throttle (
    throttle_key    TEXT PRIMARY KEY,
    failures        INT         NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ
);

-- G6: an enrolment secret belongs to the pending session that was shown it; another pending session of the same
-- member gets a fresh secret (and the first one's can no longer be confirmed).
ALTER TABLE two_factor_credentials ADD COLUMN enrolment_session_id UUID;
