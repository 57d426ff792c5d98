package dev.jitprov.members;

import dev.jitprov.eventstore.Locks;
import dev.jitprov.provisioning.MemberState;
import dev.jitprov.provisioning.WorkspaceState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * R10, the workspace keeps an admin: the count of other live admins a member decision is given, read from the member
 * index kept beside the log. A decision on a current admin (a demotion, a revocation, an expiry) first takes the
 * workspace's admins lock ({@link Locks#admins}), so two of them cannot each count the other and remove the last two.
 */
final class AdminGuard {

    /**
     * The count a sign-in decision gets for a member whose stored role is no admin role: not read, because no
     * decision on such a member can take the workspace's last admin away (see {@code MemberStreams}).
     */
    static final int NOT_COUNTED = Integer.MAX_VALUE;

    private AdminGuard() {
    }

    static Uni<Integer> otherActiveAdmins(SqlConnection conn, WorkspaceState workspace, MemberState member,
                                           String workspaceId, String memberKey) {
        Uni<Void> lock = member.isMember() && member.isAdminIn(workspace)
                // Serialize decisions that could take away the last admin of the workspace (R10).
                ? Locks.exclusive(conn, Locks.admins(workspaceId))
                : Uni.createFrom().voidItem();
        return lock.flatMap(ignored -> countOtherAdmins(conn, workspace, workspaceId, memberKey));
    }

    /** Live members other than {@code memberKey} whose stored role grants security-settings:manage (R10). */
    static Uni<Integer> countOtherAdmins(io.vertx.mutiny.sqlclient.SqlClient client, WorkspaceState workspace,
                                                 String workspaceId, String memberKey) {
        String[] adminRoles = workspace.adminRoleNames();
        return client.preparedQuery("SELECT count(*) AS admins FROM member_index WHERE workspace_id = $1 AND member_key <> $2 AND role = ANY($3) AND NOT deactivated")
                .execute(Tuple.of(workspaceId, memberKey, adminRoles))
                .map(rows -> rows.iterator().next().getLong("admins").intValue());
    }
}
