package dev.jitprov.web;

import dev.jitprov.provisioning.Grantor;

import java.util.Set;
import java.util.UUID;

/**
 * Who is calling an administration endpoint: a member through a session cookie (permissions of the session's
 * effective role) or through an API token (permissions of the token owner's stored role).
 */
public record Caller(String workspaceId, String memberKey, String role, Set<String> permissions, UUID sessionId, boolean viaToken) {

    public boolean holds(String permission) {
        return permissions.contains(permission);
    }

    /** The caller as the authority of a grant: only its own permissions can be handed out (docs/security.md G1). */
    public Grantor grantor() {
        return new Grantor(memberKey, permissions);
    }
}
