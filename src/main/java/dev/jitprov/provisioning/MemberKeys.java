package dev.jitprov.provisioning;

import java.util.Locale;

/** Member keys and stream ids. */
public final class MemberKeys {

    public static final String STREAM_PREFIX = "member-";

    private MemberKeys() {
    }

    /** The member key: the NameID (usually an e-mail) trimmed and lower-cased (Locale.ROOT). */
    public static String normalize(String nameIdOrEmail) {
        return nameIdOrEmail == null ? null : nameIdOrEmail.strip().toLowerCase(Locale.ROOT);
    }

    /** {@code member-<workspaceId>-<memberKey>}. */
    public static String streamId(String workspaceId, String memberKey) {
        return STREAM_PREFIX + workspaceId + "-" + memberKey;
    }
}
