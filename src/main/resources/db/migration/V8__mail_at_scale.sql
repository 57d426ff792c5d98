-- Admin mail that scales with an onboarding wave (issue 21, R16).
--
-- New-member mails are coalesced per admin: the first member after a quiet period is mailed at once
-- (MEMBER_PROVISIONED, one row per event and admin as before); the members of the following window go into ONE
-- row per admin (kind MEMBER_BATCH, PENDING, next_attempt_at = the window's end), updated in place while the
-- window is open. A workspace on the daily digest keeps ONE HELD row per admin (kind MEMBER_DIGEST), updated in
-- place until DigestJob releases it. The outbox holds O(admins x windows) rows, not O(admins x members).
-- Summary params: {workspace, count, members: [first 20 {email, role, temporary, at}]}.

-- 0 = configuration and security mails (JIT enabled/disabled/updated, second factor locked): claimed first;
-- 1 = member mails.
ALTER TABLE notification_outbox ADD COLUMN priority SMALLINT NOT NULL DEFAULT 1;
UPDATE notification_outbox SET priority = 0 WHERE kind IN ('JIT_ENABLED', 'JIT_DISABLED', 'TWO_FACTOR_LOCKED');

-- The sender claims due rows by priority, then one workspace after another (fairness).
DROP INDEX notification_outbox_pending;
CREATE INDEX notification_outbox_due ON notification_outbox (priority, next_attempt_at) WHERE status = 'PENDING';

-- At most one open summary per admin and workspace: the notifier upserts into it (ON CONFLICT ... DO UPDATE).
CREATE UNIQUE INDEX notification_outbox_open_batch ON notification_outbox (workspace_id, recipient)
    WHERE kind = 'MEMBER_BATCH' AND status = 'PENDING';
CREATE UNIQUE INDEX notification_outbox_open_digest ON notification_outbox (workspace_id, recipient)
    WHERE kind = 'MEMBER_DIGEST' AND status = 'HELD';

-- The coalescing window of each admin: new members before closes_at join the admin's MEMBER_BATCH row;
-- busy = the window got members, so a member just after it continues the wave (next window) instead of
-- being mailed at once. Locked FOR UPDATE (in recipient order) by the notifier's transaction.
CREATE TABLE new_member_mail_windows (
    workspace_id TEXT        NOT NULL,
    recipient    TEXT        NOT NULL,
    closes_at    TIMESTAMPTZ NOT NULL,
    busy         BOOLEAN     NOT NULL,
    PRIMARY KEY (workspace_id, recipient)
);

-- Each member's own choice (issue 21): false = no new-member mails (event notification.preference-changed.v1).
ALTER TABLE member_index ADD COLUMN new_member_mails BOOLEAN NOT NULL DEFAULT true;

-- Rows queued by the previous release, one per member and admin, folded once into the new shape: the held ones
-- into one HELD digest per admin, the pending ones into one summary per admin due now. The folded rows are
-- marked DIGESTED (kept for operators, never sent).
WITH held AS (
    UPDATE notification_outbox SET status = 'DIGESTED'
    WHERE status = 'HELD' AND kind = 'MEMBER_PROVISIONED'
    RETURNING id, workspace_id, recipient, params, created_at)
INSERT INTO notification_outbox (event_id, recipient, workspace_id, kind, params, status, priority, next_attempt_at, created_at)
SELECT md5('digest:' || min(id)::text)::uuid, recipient, workspace_id, 'MEMBER_DIGEST',
       jsonb_build_object('workspace', min(params->>'workspace'), 'count', count(*),
                          'members', jsonb_path_query_array(jsonb_agg(params ORDER BY id), '$[0 to 19]')),
       'HELD', 1, now(), min(created_at)
FROM held GROUP BY workspace_id, recipient;

WITH pending AS (
    UPDATE notification_outbox SET status = 'DIGESTED'
    WHERE status = 'PENDING' AND kind = 'MEMBER_PROVISIONED'
    RETURNING id, workspace_id, recipient, params, created_at)
INSERT INTO notification_outbox (event_id, recipient, workspace_id, kind, params, status, priority, next_attempt_at, created_at)
SELECT md5('batch:' || min(id)::text)::uuid, recipient, workspace_id, 'MEMBER_BATCH',
       jsonb_build_object('workspace', min(params->>'workspace'), 'count', count(*),
                          'members', jsonb_path_query_array(jsonb_agg(params ORDER BY id), '$[0 to 19]')),
       'PENDING', 1, now(), min(created_at)
FROM pending GROUP BY workspace_id, recipient;
