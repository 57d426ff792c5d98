package dev.jitprov.security;

import dev.jitprov.provisioning.Lockouts;
import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.SignInDecider;
import dev.jitprov.provisioning.SignInOutcome;
import dev.jitprov.session.BrowserSessions;
import dev.jitprov.session.PasswordThrottle;
import dev.jitprov.session.SessionConfig;
import dev.jitprov.workspace.Workspaces;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Password sign-in of a workspace owner (break-glass): the throttle (G5) before anything else, the firewall (R15)
 * before the password is checked, bcrypt on a worker thread, then the session on the member's stream. Refusals are
 * {@link DomainException}s: {@code too_many_attempts} (with a retry time), the firewall's code, and
 * {@code invalid_credentials} alike for an unknown e-mail and a wrong password.
 */
@ApplicationScoped
public class PasswordSignIn {

    /** A bcrypt hash of a random string: wrong e-mails cost as much as wrong passwords (no user enumeration by timing). */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash(UUID.randomUUID().toString());

    /** The session opened: its cookie secret, and whether it waits for a second factor (R14). */
    public record SignedIn(String workspaceId, String memberKey, UUID sessionId, String cookieSecret, String effectiveRole,
                           boolean twoFactorPending, Instant expiresAt) {
    }

    private final Pool pool;
    private final Workspaces workspaces;
    private final MemberStreams members;
    private final BrowserSessions sessions;
    private final SessionConfig config;
    private final PasswordThrottle throttle;
    private final Firewall firewall;
    private final Clock clock;

    public PasswordSignIn(Pool pool, Workspaces workspaces, MemberStreams members, BrowserSessions sessions, SessionConfig config,
                          PasswordThrottle throttle, Firewall firewall, Clock clock) {
        this.pool = pool;
        this.workspaces = workspaces;
        this.members = members;
        this.sessions = sessions;
        this.config = config;
        this.throttle = throttle;
        this.firewall = firewall;
        this.clock = clock;
    }

    public Uni<SignedIn> signIn(String ws, String email, String password, String clientAddress) {
        String key = MemberKeys.normalize(email);
        String accountKey = PasswordThrottle.accountKey(ws, key);
        String addressKey = PasswordThrottle.addressKey(clientAddress);
        return workspaces.require(ws)
                // G5: the attempt is counted before anything else; a locked account or address is refused before the
                // firewall writes an event or any bcrypt is spent, the same whether the e-mail is known or not.
                .flatMap(state -> throttle.reserve(accountKey, addressKey, clock.instant()).map(reservation -> {
                    if (reservation instanceof PasswordThrottle.Locked locked) {
                        throw DomainException.tooManyAttempts("too_many_attempts", "too many failed sign-ins: try again in "
                                + Lockouts.wholeSeconds(locked.retryAfter()) + " seconds", locked.retryAfter());
                    }
                    return state;
                }))
                // R15: the firewall before the password is even checked.
                .flatMap(state -> firewall.admit(state, clientAddress, "password").map(refusal -> {
                    if (refusal.isPresent()) {
                        throw DomainException.forbidden(refusal.get().code(), refusal.get().message());
                    }
                    return state;
                }))
                .flatMap(state -> pool.preparedQuery("SELECT password_hash FROM credentials WHERE workspace_id = $1 AND member_key = $2")
                        .execute(Tuple.of(ws, key)))
                .flatMap(rows -> {
                    String hash = rows.size() == 0 ? DUMMY_HASH : rows.iterator().next().getString("password_hash");
                    boolean known = rows.size() > 0;
                    throttle.checked();
                    return Uni.createFrom().item(() -> BcryptUtil.matches(password, hash) && known)
                            .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
                })
                // a wrong password stays counted (the reservation); a right one undoes it
                .flatMap(valid -> valid ? throttle.succeeded(accountKey, addressKey).replaceWith(true) : Uni.createFrom().item(false))
                .flatMap(valid -> {
                    if (!valid) {
                        throw invalidCredentials();
                    }
                    UUID sessionId = UUID.randomUUID();
                    EventMetadata metadata = new EventMetadata(ws, "user:" + key, UUID.randomUUID().toString(), null);
                    return members.decide(ws, key, metadata, ctx -> {
                        SignInOutcome outcome = SignInDecider.decidePasswordSignIn(ctx.member(), sessionId.toString(), clock.instant(),
                                config.lifetime(), Actor.user(key));
                        return new MemberStreams.Decision<>(outcome instanceof SignInOutcome.Accepted a ? a.events() : List.of(), outcome);
                    }).flatMap(outcome -> {
                        if (!(outcome.result() instanceof SignInOutcome.Accepted accepted)) {
                            throw invalidCredentials();
                        }
                        String secret = outcome.sessionSecrets().get(sessionId.toString());
                        return sessions.byId(sessionId).map(session -> new SignedIn(ws, key, sessionId, secret, accepted.effectiveRole(),
                                session.isPresent() && session.get().twoFactorPending(), clock.instant().plus(config.lifetime())));
                    });
                });
    }

    private static DomainException invalidCredentials() {
        return DomainException.unauthenticated("invalid_credentials", "unknown e-mail or wrong password");
    }
}
