-- SAML Single Logout (issue 19). State kept beside the log.

-- The IdP's view of each SAML session: the NameID and the AuthnStatement's SessionIndex it was opened with, so a
-- LogoutRequest ends exactly those sessions. Written in the sign-in transaction (with the replay-cache claim); a row
-- whose sign-in was refused has no live auth_sessions row and is never matched.
CREATE TABLE saml_sessions (
    session_id     UUID PRIMARY KEY,
    workspace_id   TEXT        NOT NULL,
    member_key     TEXT        NOT NULL,
    name_id        TEXT        NOT NULL,
    name_id_format TEXT,
    session_index  TEXT,
    expires_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX saml_sessions_member ON saml_sessions (workspace_id, member_key);

-- The SP's signing keys per workspace: ACTIVE signs, NEXT is published before it becomes active (rollover), RETIRED is
-- kept for the record. The private key is AES-GCM encrypted like the TOTP secrets (jit.two-factor.encryption-key).
CREATE TABLE sp_keys (
    key_id          UUID PRIMARY KEY,
    workspace_id    TEXT        NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'NEXT', 'RETIRED')),
    certificate_pem TEXT        NOT NULL,
    private_key     TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX sp_keys_one_active ON sp_keys (workspace_id) WHERE status = 'ACTIVE';
CREATE UNIQUE INDEX sp_keys_one_next ON sp_keys (workspace_id) WHERE status = 'NEXT';
