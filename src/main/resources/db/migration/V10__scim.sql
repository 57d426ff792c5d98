-- SCIM 2.0 (issue 18). State kept beside the log, written in the transactions that append the events it follows.

-- A SCIM user is a member: what the IdP wrote (ScimProfile as JSON), its external id for filters, and whether the IdP
-- deactivated it (no sign-in, no API token, R10 does not count it). Groups live on the workspace stream, in memory.
ALTER TABLE member_index
    ADD COLUMN deactivated  BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN display_name TEXT,
    ADD COLUMN external_id  TEXT,
    ADD COLUMN scim         JSONB,
    ADD COLUMN updated_at   TIMESTAMPTZ;
CREATE INDEX member_index_external_id ON member_index (workspace_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX member_index_email_ci ON member_index (workspace_id, lower(email));

-- One live SCIM token per workspace (a new one revokes the previous); only its SHA-256 is kept.
CREATE TABLE scim_tokens (
    id           UUID PRIMARY KEY,
    workspace_id TEXT        NOT NULL,
    token_hash   TEXT        NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE UNIQUE INDEX scim_tokens_live ON scim_tokens (workspace_id) WHERE revoked_at IS NULL;

-- The Members page shows who the IdP deactivated (status stays ACTIVE: the member exists and keeps its role).
ALTER TABLE members_view ADD COLUMN deactivated BOOLEAN NOT NULL DEFAULT false;
