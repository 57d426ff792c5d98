package dev.jitprov.projection;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A row of the membership view ({@code members_view}) as the Members page reads it, through Hibernate Reactive
 * Panache ({@link MembersView}). Read-only here: {@link MembersProjection} writes the table set-based with SQL.
 */
@Entity
@Table(name = "members_view")
@IdClass(MemberViewRow.Key.class)
public class MemberViewRow extends PanacheEntityBase {

    /** The table's primary key. */
    public static class Key implements Serializable {
        public String workspaceId;
        public String memberKey;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(workspaceId, k.workspaceId) && Objects.equals(memberKey, k.memberKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(workspaceId, memberKey);
        }
    }

    @Id
    @Column(name = "workspace_id")
    public String workspaceId;

    @Id
    @Column(name = "member_key")
    public String memberKey;

    @Column(name = "member_id")
    public UUID memberId;

    public String email;

    @Column(name = "display_name")
    public String displayName;

    public String role;

    public String origin;

    public boolean temporary;

    public String status;

    /** The IdP deactivated the member through SCIM (issue 18). */
    public boolean deactivated;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "last_sign_in_at")
    public Instant lastSignInAt;
}
