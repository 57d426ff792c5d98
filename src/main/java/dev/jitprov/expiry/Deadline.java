package dev.jitprov.expiry;

import java.time.Instant;

/**
 * A moment at which the domain must act on a member: end a session ({@link Kind#SESSION}, target = session id)
 * or delete a temporary member ({@link Kind#MEMBER}, target = {@value #MEMBER_TARGET}).
 */
public record Deadline(Kind kind, String workspaceId, String memberKey, String target, Instant dueAt) {

    public static final String MEMBER_TARGET = "member";

    public enum Kind {
        SESSION, MEMBER
    }
}
