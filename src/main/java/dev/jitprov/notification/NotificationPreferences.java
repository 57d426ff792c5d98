package dev.jitprov.notification;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.ErrorCodes;
import dev.jitprov.provisioning.MemberCommand;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Who hears about new members and how (R16, issue 21): the workspace's choice (coalesced as they happen, or a daily
 * digest), kept beside the log in {@code notification_preferences}; and each member's own on/off, a member command
 * on its own stream (audited as {@code notification.preference-changed.v1}) that the member index keeps for the
 * notifier.
 */
@ApplicationScoped
public class NotificationPreferences {

    private final Pool pool;
    private final MemberStreams members;
    private final Clock clock;

    public NotificationPreferences(Pool pool, MemberStreams members, Clock clock) {
        this.pool = pool;
        this.members = members;
        this.clock = clock;
    }

    public Uni<NewMemberMails> ofWorkspace(String workspaceId) {
        return pool.preparedQuery("SELECT new_member_mails FROM notification_preferences WHERE workspace_id = $1").execute(Tuple.of(workspaceId))
                .map(rows -> rows.size() == 0 ? NewMemberMails.IMMEDIATE : NewMemberMails.valueOf(rows.iterator().next().getString("new_member_mails")));
    }

    public Uni<Void> chooseForWorkspace(String workspaceId, NewMemberMails choice, String byMemberKey) {
        return pool.preparedQuery("INSERT INTO notification_preferences (workspace_id, new_member_mails, updated_by, updated_at) VALUES ($1, $2, $3, $4) "
                        + "ON CONFLICT (workspace_id) DO UPDATE SET new_member_mails = EXCLUDED.new_member_mails, "
                        + "updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at")
                .execute(Tuple.of(workspaceId, choice.name(), byMemberKey, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** Whether the member receives new-member mails. */
    public Uni<Boolean> ofMember(String workspaceId, String memberKey) {
        return pool.preparedQuery("SELECT new_member_mails FROM member_index WHERE workspace_id = $1 AND member_key = $2")
                .execute(Tuple.of(workspaceId, memberKey))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw DomainException.notFound(ErrorCodes.MEMBER_NOT_FOUND, "the caller is no longer a member of this workspace");
                    }
                    return rows.iterator().next().getBoolean("new_member_mails");
                });
    }

    /** The member turns its own new-member mails on or off; returns the choice now in force. */
    public Uni<Boolean> chooseForMember(String workspaceId, String memberKey, boolean newMemberMails) {
        return members.execute(workspaceId, memberKey, new EventMetadata(workspaceId, "user:" + memberKey, UUID.randomUUID().toString(), null),
                        new MemberCommand.ChooseNewMemberMails(newMemberMails, Actor.user(memberKey)))
                .map(outcome -> outcome.after().newMemberMails());
    }
}
