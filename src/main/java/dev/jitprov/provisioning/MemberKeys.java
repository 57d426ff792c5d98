package dev.jitprov.provisioning;

import java.util.Locale;

/** Member keys and stream ids. */
public final class MemberKeys {

    public static final String STREAM_PREFIX = "member-";
    /** Between the workspace id and the member key in a stream id. */
    public static final String SEPARATOR = "/";

    private MemberKeys() {
    }

    /** The member key: the NameID (usually an e-mail) trimmed and lower-cased (Locale.ROOT). */
    public static String normalize(String nameIdOrEmail) {
        return nameIdOrEmail == null ? null : nameIdOrEmail.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The member key of a member stream id of {@code workspaceId}, else null. Also reads the form used before G7
     * ({@code member-<workspaceId>-<memberKey>}), which records published on Kafka before migration V7 still carry.
     */
    public static String keyOf(String workspaceId, String streamId) {
        if (streamId == null || workspaceId == null) {
            return null;
        }
        String current = streamId(workspaceId, "");
        if (streamId.startsWith(current)) {
            return streamId.substring(current.length());
        }
        String legacy = STREAM_PREFIX + workspaceId + "-";
        return streamId.startsWith(legacy) ? streamId.substring(legacy.length()) : null;
    }

    /**
     * {@code member-<workspaceId>/<memberKey>}: a workspace id is {@code [a-z0-9-]} and never holds the {@code /},
     * so two workspaces' members can never share a stream (docs/security.md G7; the old {@code -} separator could).
     */
    public static String streamId(String workspaceId, String memberKey) {
        return STREAM_PREFIX + workspaceId + SEPARATOR + memberKey;
    }

    /** The member's public id: stable per workspace and key (a name-based UUID), the same in every life of the member. */
    public static java.util.UUID memberId(String workspaceId, String memberKey) {
        return java.util.UUID.nameUUIDFromBytes((workspaceId + "\n" + memberKey).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
