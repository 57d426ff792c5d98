package dev.jitprov.eventstore;

import dev.jitprov.provisioning.MemberKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Every PostgreSQL advisory lock the service takes, in one place. All are transaction-scoped
 * ({@code pg_advisory_xact_lock}): released at commit or rollback, never leaked by a crashed pod. A name is hashed
 * with {@code hashtext}; a collision only makes two unrelated writers queue, it never lets two writers of one name
 * run together.
 */
public final class Locks {

    private Locks() {
    }

    /**
     * One member's stream. Taken by every member decision ({@code MemberStreams}) and by the second-factor check
     * ({@code TwoFactor}): writers of one member queue instead of racing on the expected version, so twenty
     * simultaneous first sign-ins of one user do not conflict in rounds. The expected version stays the guarantee.
     */
    public static String memberStream(String workspaceId, String memberKey) {
        return MemberKeys.streamId(workspaceId, memberKey);
    }

    /**
     * The roles of a workspace. Taken SHARED by every member decision (any of them may assign a role) and ALONE by a
     * custom role's deletion ({@code Workspaces.removeRole}), which then counts the role's holders knowing that no
     * decision that could assign it is in flight.
     */
    public static String roles(String workspaceId) {
        return "roles:" + workspaceId;
    }

    /**
     * The admins of a workspace (R10). Taken by a member decision on a current admin (a demotion, a revocation, an
     * expiry), so two of them cannot each see "another admin is left" and remove the last two together.
     */
    public static String admins(String workspaceId) {
        return "admins:" + workspaceId;
    }

    /** Waits for {@code name} exclusively, until the end of the connection's transaction. */
    public static Uni<Void> exclusive(SqlConnection conn, String name) {
        return conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of(name)).replaceWithVoid();
    }

    /** Waits for {@code exclusiveName} exclusively and {@code sharedName} shared, in one round trip. */
    public static Uni<Void> exclusiveAndShared(SqlConnection conn, String exclusiveName, String sharedName) {
        return conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1)), pg_advisory_xact_lock_shared(hashtext($2))")
                .execute(Tuple.of(exclusiveName, sharedName)).replaceWithVoid();
    }
}
