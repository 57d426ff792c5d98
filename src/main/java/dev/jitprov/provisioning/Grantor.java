package dev.jitprov.provisioning;

import java.util.Objects;
import java.util.Set;

/**
 * The member on whose authority a role is granted or taken away (an admin through the API or console; SCIM later):
 * its key and its own effective permissions at the time of the request.
 */
public record Grantor(String memberKey, Set<String> permissions) {

    public Grantor {
        Objects.requireNonNull(memberKey, "memberKey");
        permissions = Set.copyOf(permissions);
    }
}
