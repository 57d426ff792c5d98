package dev.jitprov.provisioning;

import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * A SCIM group of a workspace (RFC 7643 §4.2): workspace data, kept on the workspace stream. Its members are member
 * ids ({@link MemberKeys#memberId}); its display name is what the workspace's role mappings match (issue 18).
 */
public record ScimGroup(String groupId, String displayName, String externalId, Set<String> memberIds, Instant created,
        Instant lastModified) {

    public ScimGroup {
        memberIds = memberIds == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(memberIds));
    }
}
