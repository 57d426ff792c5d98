package dev.jitprov.members;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.WorkspaceCommand;
import dev.jitprov.workspace.Workspaces;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.UUID;

/**
 * A new workspace with its owner, as the operator creates it: the workspace's first event, the owner (an Admin,
 * origin PASSWORD) and the owner's break-glass password hash, in one transaction.
 */
@ApplicationScoped
public class Onboarding {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The workspace made: its id (slug of the name and a random suffix) and the owner's member id. */
    public record Created(String workspaceId, String name, UUID ownerId, String ownerEmail) {
    }

    private final Pool pool;
    private final Workspaces workspaces;
    private final MemberStreams members;

    public Onboarding(Pool pool, Workspaces workspaces, MemberStreams members) {
        this.pool = pool;
        this.workspaces = workspaces;
        this.members = members;
    }

    /** Creates it; the caller has checked the name, the e-mail and the password's length. */
    public Uni<Created> createWorkspace(String name, String ownerEmail, String password) {
        String id = newWorkspaceId(name);
        String email = ownerEmail.trim();
        String ownerKey = MemberKeys.normalize(email);
        Actor operator = Actor.operator("operator");
        EventMetadata metadata = new EventMetadata(id, "operator:operator", UUID.randomUUID().toString(), null);
        // bcrypt is deliberately slow: hash on a worker thread, never on the event loop.
        return Uni.createFrom().item(() -> BcryptUtil.bcryptHash(password))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(hash -> pool.withTransaction(conn -> workspaces.execute(conn, id,
                                new WorkspaceCommand.CreateWorkspace(id, name.trim(), ownerKey, operator), metadata.correlationId())
                        .flatMap(created -> members.execute(conn, id, ownerKey, metadata, new MemberCommand.CreateOwner(ownerKey, email, operator)))
                        .flatMap(owner -> conn.preparedQuery("INSERT INTO credentials (workspace_id, member_key, password_hash) VALUES ($1, $2, $3)")
                                .execute(Tuple.of(id, ownerKey, hash)))))
                .replaceWith(new Created(id, name.trim(), MemberKeys.memberId(id, ownerKey), email));
    }

    static String newWorkspaceId(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 30) {
            slug = slug.substring(0, 30).replaceAll("-+$", "");
        }
        String suffix = Integer.toString(RANDOM.nextInt(36 * 36 * 36 * 36), 36);
        return (slug.isEmpty() ? "ws" : slug) + "-" + suffix;
    }
}
