-- Enforced 2FA (R14). State kept beside the member's events; the events themselves carry no secret.

-- A session opened while the workspace enforces 2FA is pending until a valid second factor: it exists (its
-- SessionStarted is in the member stream, so session end and expiry apply to it) but authenticates nothing.
ALTER TABLE auth_sessions ADD COLUMN two_factor_pending BOOLEAN NOT NULL DEFAULT FALSE;

-- One TOTP authenticator per member. The secret is AES-GCM encrypted (key from jit.two-factor.encryption-key,
-- the workspace and member as associated data). confirmed_at is null until the first valid code (enrollment).
-- Rows go with the member: deleting it from member_index (UserDeleted) deletes its factor and recovery codes.
CREATE TABLE two_factor_credentials (
    workspace_id      TEXT        NOT NULL,
    member_key        TEXT        NOT NULL,
    secret_ciphertext TEXT        NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    confirmed_at      TIMESTAMPTZ,
    -- the last accepted TOTP time step: a code is accepted once, and never one older than it
    last_used_step    BIGINT      NOT NULL DEFAULT -1,
    -- consecutive failures; reaching jit.two-factor.max-attempts sets locked_until and starts again at 0
    failed_attempts   INT         NOT NULL DEFAULT 0,
    locked_until      TIMESTAMPTZ,
    PRIMARY KEY (workspace_id, member_key),
    FOREIGN KEY (workspace_id, member_key) REFERENCES member_index (workspace_id, member_key) ON DELETE CASCADE
);

-- One-time recovery codes: SHA-256 of the normalized code (80 random bits each), shown once at enrollment.
CREATE TABLE two_factor_recovery_codes (
    workspace_id TEXT        NOT NULL,
    member_key   TEXT        NOT NULL,
    code_hash    TEXT        NOT NULL,
    used_at      TIMESTAMPTZ,
    PRIMARY KEY (workspace_id, member_key, code_hash),
    FOREIGN KEY (workspace_id, member_key) REFERENCES two_factor_credentials (workspace_id, member_key) ON DELETE CASCADE
);
