package dev.jitprov.security;

import dev.jitprov.eventstore.Locks;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.TwoFactorDecider;
import dev.jitprov.provisioning.TwoFactorDecider.Step;
import dev.jitprov.provisioning.DomainException.Kind;
import dev.jitprov.provisioning.TwoFactorMethod;
import dev.jitprov.session.BrowserSessions;
import dev.jitprov.session.BrowserSessions.LiveSession;
import dev.jitprov.session.Secrets;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Enforced 2FA (R14) for a pending session: enrollment at the first sign-in (a new TOTP secret, shown with its QR
 * code until the first valid code confirms it), verification at later sign-ins (a TOTP code or a one-time
 * recovery code). Each attempt runs in one transaction that takes the member stream's lock, reads the factor,
 * decides, appends the audit event to the member stream ({@link MemberStreams}), updates the factor and
 * activates the session, so two attempts of one member never race past the replay or attempt limits.
 */
@ApplicationScoped
public class TwoFactor {

    private static final Logger LOG = Logger.getLogger(TwoFactor.class);

    public static final String TWO_FACTOR_INVALID = "two_factor_invalid";
    public static final String TWO_FACTOR_CODE_REUSED = "two_factor_code_reused";
    public static final String TWO_FACTOR_LOCKED = TwoFactorDecider.TWO_FACTOR_LOCKED;

    /** What the member has to do next. */
    public sealed interface Challenge {
    }

    /** First sign-in: scan the QR code (or type the secret), then send a code. */
    public record Enroll(String secret, String otpauthUri, String qrDataUri) implements Challenge {
    }

    /** Enrolled: send a code from the authenticator, or a recovery code. */
    public record Verify() implements Challenge {
    }

    /** The outcome of an attempt. */
    public sealed interface Attempt {
    }

    /** The session is active. {@code recoveryCodes}: issued at enrollment (shown once), empty otherwise. */
    public record Accepted(TwoFactorMethod method, List<String> recoveryCodes, int recoveryCodesLeft) implements Attempt {
    }

    /** Refused, nothing activated; {@code status} and {@code code} for the page or problem. */
    public record Refused(int status, String code, String message, Instant lockedUntil) implements Attempt {
    }

    /**
     * A member's factor as stored (secret still encrypted). {@code enrolmentSession}: the pending session that was shown
     * the unconfirmed secret (G6); only that session can confirm it.
     */
    private record Factor(String ciphertext, boolean confirmed, long lastUsedStep, int failedAttempts, Instant lockedUntil,
                          UUID enrolmentSession) {
    }

    private final Pool pool;
    private final MemberStreams members;
    private final BrowserSessions sessions;
    private final SecretCipher cipher;
    private final TwoFactorConfig config;
    private final Clock clock;

    public TwoFactor(Pool pool, MemberStreams members, BrowserSessions sessions, SecretCipher cipher, TwoFactorConfig config, Clock clock) {
        this.pool = pool;
        this.members = members;
        this.sessions = sessions;
        this.cipher = cipher;
        this.config = config;
        this.clock = clock;
    }

    /** The challenge of a pending session; creates the (unconfirmed) factor on first use. */
    public Uni<Challenge> challenge(LiveSession session) {
        String ws = session.workspaceId();
        String key = session.memberKey();
        return load(pool, ws, key).flatMap(found -> {
            if (found != null && found.confirmed()) {
                return Uni.createFrom().item((Challenge) new Verify());
            }
            // G6: the enrolment secret belongs to the session that shows it. Another pending session of the member
            // (someone else holding the first factor, say) gets a fresh secret instead of seeing this one; the
            // earlier session can then no longer confirm, and shows a new secret when it asks again.
            // The secret shown is the one this very statement wrote for this session (RETURNING), never a row read
            // afterwards, which another session may have replaced in between.
            Uni<Factor> factor = found != null && session.sessionId().equals(found.enrolmentSession()) ? Uni.createFrom().item(found)
                    : pool.preparedQuery("INSERT INTO two_factor_credentials (workspace_id, member_key, secret_ciphertext, created_at, enrolment_session_id) "
                                    + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, member_key) DO UPDATE SET "
                                    + "secret_ciphertext = EXCLUDED.secret_ciphertext, enrolment_session_id = EXCLUDED.enrolment_session_id "
                                    + "WHERE two_factor_credentials.confirmed_at IS NULL "
                                    + "RETURNING secret_ciphertext, confirmed_at, last_used_step, failed_attempts, locked_until, enrolment_session_id")
                            .execute(Tuple.tuple(List.of(ws, key, cipher.encrypt(Totp.newSecret(), owner(ws, key)), utc(clock.instant()),
                                    session.sessionId())))
                            .map(TwoFactor::factor);
            return factor.flatMap(f -> {
                // nothing written: the member confirmed an authenticator meanwhile
                if (f == null || f.confirmed() || !session.sessionId().equals(f.enrolmentSession())) {
                    return Uni.createFrom().item((Challenge) new Verify());
                }
                String secret = cipher.decrypt(f.ciphertext(), owner(ws, key));
                var qr = Totp.qrData(config.issuer(), key, secret);
                // The PNG is rendered off the event loop.
                return Uni.createFrom().item(() -> (Challenge) new Enroll(secret, qr.getUri(), Totp.qrDataUri(qr)))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
            });
        });
    }

    /** Confirms enrollment with the first valid code; issues the recovery codes. */
    public Uni<Attempt> enroll(LiveSession session, String code) {
        return attempt(session, code, true);
    }

    /** A TOTP code or a recovery code of an enrolled member. */
    public Uni<Attempt> verify(LiveSession session, String code) {
        return attempt(session, code, false);
    }

    private Uni<Attempt> attempt(LiveSession session, String input, boolean enrolling) {
        String ws = session.workspaceId();
        String key = session.memberKey();
        String sessionId = session.sessionId().toString();
        Actor actor = Actor.user(key);
        EventMetadata metadata = new EventMetadata(ws, "user:" + key, UUID.randomUUID().toString(), null);
        return pool.withTransaction(conn -> Locks.exclusive(conn, Locks.memberStream(ws, key))
                .flatMap(locked -> conn.preparedQuery("SELECT secret_ciphertext, confirmed_at, last_used_step, failed_attempts, locked_until, enrolment_session_id "
                                + "FROM two_factor_credentials WHERE workspace_id = $1 AND member_key = $2 FOR UPDATE")
                        .execute(Tuple.of(ws, key)).map(TwoFactor::factor))
                .flatMap(factor -> unusedRecoveryHashes(conn, ws, key, factor, enrolling, input).flatMap(unused -> {
                    Instant now = clock.instant();
                    Step step = decide(owner(ws, key), session.sessionId(), factor, input, enrolling, unused, now);
                    return members.decide(conn, ws, key, metadata, ctx -> {
                        if (!ctx.member().isMember() || ctx.member().session(sessionId).isEmpty()) {
                            return new MemberStreams.Decision<>(List.<MemberEvent>of(),
                                    (Step) new Step.Refuse(Kind.UNAUTHENTICATED, "session_invalid", "the session has ended; sign in again", null));
                        }
                        return new MemberStreams.Decision<>(step.events(sessionId, actor, now), step);
                    }).flatMap(outcome -> apply(conn, ws, key, session.sessionId(), outcome.result(), now));
                })));
    }

    /**
     * Works out what the typed input is (the TOTP step it matches, with the decrypted secret; or a recovery code's
     * hash) and lets the pure {@link TwoFactorDecider} decide.
     */
    private Step decide(String owner, UUID sessionId, Factor factor, String input, boolean enrolling, Set<String> unusedRecoveryHashes,
                        Instant now) {
        TwoFactorDecider.Code code = null;
        if (factor != null) {
            String typed = input == null ? "" : input.replaceAll("\\s", "");
            code = !enrolling && Totp.looksLikeRecoveryCode(typed)
                    ? new TwoFactorDecider.RecoveryCode(Secrets.sha256(Totp.normalizeRecoveryCode(typed)))
                    : new TwoFactorDecider.TotpCode(Totp.matchingStep(cipher.decrypt(factor.ciphertext(), owner), typed, now, config.window()));
        }
        TwoFactorDecider.Factor stored = factor == null ? null : new TwoFactorDecider.Factor(factor.confirmed(), factor.lastUsedStep(),
                factor.failedAttempts(), factor.lockedUntil(), factor.enrolmentSession() == null ? null : factor.enrolmentSession().toString());
        return TwoFactorDecider.decide(new TwoFactorDecider.Request(sessionId.toString(), enrolling, stored, code, unusedRecoveryHashes,
                new TwoFactorDecider.Policy(config.maxAttempts(), config.lockDuration(), config.maxLockDuration(), config.recoveryCodes()), now));
    }

    /** Writes what the decision means beside the events (same transaction) and answers. */
    private Uni<Attempt> apply(SqlConnection conn, String ws, String key, UUID sessionId, Step step, Instant now) {
        if (step instanceof Step.Refuse r) {
            return Uni.createFrom().item(refused(r));
        }
        if (step instanceof Step.Fail f) {
            LOG.infof("second factor refused: workspace=%s reason=%s failures=%d locked=%s", ws, f.reason(), f.failures(), f.lockedUntil() != null);
            // G6: the count survives a lock (only a valid factor resets it), so each failure after one locks again, longer
            return conn.preparedQuery("UPDATE two_factor_credentials SET failed_attempts = $3, locked_until = $4 WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(ws, key, f.failures(), f.lockedUntil() == null ? null : utc(f.lockedUntil())))
                    .map(ignored -> f.lockedUntil() != null ? (Attempt) refused(TwoFactorDecider.locked(f.lockedUntil()))
                            : "code_reused".equals(f.reason())
                            ? new Refused(401, TWO_FACTOR_CODE_REUSED, "this code was already used: wait for the next one", null)
                            : new Refused(401, TWO_FACTOR_INVALID, "the code is not valid", null));
        }
        Uni<Void> written;
        Attempt accepted;
        if (step instanceof Step.Enrolled e) {
            List<String> recoveryCodes = Totp.newRecoveryCodes(e.recoveryCodes());
            List<Tuple> codes = new ArrayList<>();
            for (String code : recoveryCodes) {
                codes.add(Tuple.of(ws, key, Secrets.sha256(Totp.normalizeRecoveryCode(code))));
            }
            written = accept(conn, ws, key, e.step(), now, true)
                    .flatMap(ignored -> conn.preparedQuery("INSERT INTO two_factor_recovery_codes (workspace_id, member_key, code_hash) VALUES ($1, $2, $3)")
                            .executeBatch(codes)).replaceWithVoid();
            accepted = new Accepted(TwoFactorMethod.TOTP, recoveryCodes, recoveryCodes.size());
        } else if (step instanceof Step.CodeAccepted c) {
            written = accept(conn, ws, key, c.step(), now, false);
            accepted = new Accepted(TwoFactorMethod.TOTP, List.of(), c.recoveryCodesLeft());
        } else {
            Step.Recovery r = (Step.Recovery) step;
            written = conn.preparedQuery("UPDATE two_factor_recovery_codes SET used_at = $4 WHERE workspace_id = $1 AND member_key = $2 AND code_hash = $3")
                    .execute(Tuple.of(ws, key, r.hash(), utc(now)))
                    .flatMap(ignored -> conn.preparedQuery("UPDATE two_factor_credentials SET failed_attempts = 0, locked_until = NULL "
                            + "WHERE workspace_id = $1 AND member_key = $2").execute(Tuple.of(ws, key))).replaceWithVoid();
            accepted = new Accepted(TwoFactorMethod.RECOVERY_CODE, List.of(), r.left());
        }
        return written.flatMap(ignored -> sessions.activate(conn, sessionId)).replaceWith(accepted);
    }

    private Uni<Void> accept(SqlConnection conn, String ws, String key, long step, Instant now, boolean confirm) {
        return conn.preparedQuery("UPDATE two_factor_credentials SET last_used_step = $3, failed_attempts = 0, locked_until = NULL"
                        + (confirm ? ", confirmed_at = $4" : "") + " WHERE workspace_id = $1 AND member_key = $2")
                .execute(confirm ? Tuple.of(ws, key, step, utc(now)) : Tuple.of(ws, key, step)).replaceWithVoid();
    }

    /** The answer to a refusal: the status its kind means for the page or problem. */
    private static Refused refused(Step.Refuse r) {
        int status = switch (r.kind()) {
            case UNAUTHENTICATED -> 401;
            case TOO_MANY_ATTEMPTS -> 429;
            case CONFLICT -> 409;
            default -> 400;
        };
        return new Refused(status, r.code(), r.message(), r.lockedUntil());
    }

    private Uni<Set<String>> unusedRecoveryHashes(SqlConnection conn, String ws, String key, Factor factor, boolean enrolling, String input) {
        if (factor == null || !factor.confirmed() || enrolling) {
            return Uni.createFrom().item(Set.of());
        }
        return conn.preparedQuery("SELECT code_hash FROM two_factor_recovery_codes WHERE workspace_id = $1 AND member_key = $2 AND used_at IS NULL")
                .execute(Tuple.of(ws, key)).map(rows -> {
                    Set<String> hashes = new java.util.HashSet<>();
                    rows.forEach(row -> hashes.add(row.getString("code_hash")));
                    return Set.copyOf(hashes);
                });
    }

    private static Factor factor(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        OffsetDateTime locked = row.getOffsetDateTime("locked_until");
        return new Factor(row.getString("secret_ciphertext"), row.getOffsetDateTime("confirmed_at") != null, row.getLong("last_used_step"),
                row.getInteger("failed_attempts"), locked == null ? null : locked.toInstant(), row.getUUID("enrolment_session_id"));
    }

    private Uni<Factor> load(io.vertx.mutiny.sqlclient.SqlClient client, String ws, String key) {
        return client.preparedQuery("SELECT secret_ciphertext, confirmed_at, last_used_step, failed_attempts, locked_until, enrolment_session_id "
                        + "FROM two_factor_credentials WHERE workspace_id = $1 AND member_key = $2")
                .execute(Tuple.of(ws, key)).map(TwoFactor::factor);
    }

    static String owner(String ws, String key) {
        return ws + "\n" + key;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
