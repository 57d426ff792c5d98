package dev.jitprov.saml;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.members.SignInRejections;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.LoginRejected;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.SignIn;
import dev.jitprov.provisioning.SignInDecider;
import dev.jitprov.provisioning.SignInOutcome;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.session.SessionConfig;
import dev.jitprov.workspace.Workspaces;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A SAML sign-in from the ACS: validate (SPEC §4), claim the assertion in the replay cache, decide on the
 * member's own stream (R5–R11), append, open the browser session. Every refusal is one LoginRejected event with
 * its code, and nothing else changes.
 */
@ApplicationScoped
public class SamlSignIn {

    private static final Logger LOG = Logger.getLogger(SamlSignIn.class);

    /** The result: either a session (cookie secret) or a refusal code. */
    public sealed interface Result {
    }

    /** @param twoFactorPending the session waits for a second factor (R14) before it authenticates anything */
    public record SignedIn(String workspaceId, String memberKey, UUID sessionId, String cookieSecret, String effectiveRole,
                           boolean provisioned, Instant expiresAt, boolean twoFactorPending) implements Result {
    }

    public record Refused(String code, String message, String reference, int status) implements Result {
    }

    private final Workspaces workspaces;
    private final WorkspaceSamlValidator validation;
    private final ReplayCache replayCache;
    private final MemberStreams members;
    private final SignInRejections rejections;
    private final SessionConfig sessions;
    private final Pool pool;
    private final Clock clock;
    private final AcsGuard guard;

    public SamlSignIn(Workspaces workspaces, WorkspaceSamlValidator validation, ReplayCache replayCache, MemberStreams members, SignInRejections rejections,
                      SessionConfig sessions, Pool pool, Clock clock, AcsGuard guard) {
        this.guard = guard;
        this.workspaces = workspaces;
        this.validation = validation;
        this.replayCache = replayCache;
        this.members = members;
        this.rejections = rejections;
        this.sessions = sessions;
        this.pool = pool;
        this.clock = clock;
    }

    /**
     * The workspace changed after the state a sign-in started from was read: the ACS signs in again from the current
     * state (nothing was written: the decision's transaction rolled back, or no refusal was recorded yet).
     */
    public static final class WorkspaceChanged extends RuntimeException {
        public WorkspaceChanged(String workspaceId) {
            super("workspace " + workspaceId + " changed during the sign-in", null, false, false);
        }
    }

    /**
     * @param workspace        the workspace as the ACS found it: possibly its replica's cached state (issue 20), then
     *                         {@code confirmedCurrent} is false. An acceptance is always decided on the current state
     *                         (the decision's transaction reads it, and fails with {@link WorkspaceChanged} when it is
     *                         newer than the one the response was validated with); a refusal is recorded only after
     *                         the state is confirmed current (one read; {@link WorkspaceChanged} when it was not).
     * @param clientAddress    who posted it (G10: failures before a signature verified count against it)
     */
    public Uni<Result> signIn(WorkspaceState workspace, boolean confirmedCurrent, String samlResponse, Optional<String> expectedInResponseTo,
                              String clientAddress) {
        String ws = workspace.workspaceId();
        String correlationId = UUID.randomUUID().toString();
        if (!workspace.ssoActive()) {
            return confirmed(workspace, confirmedCurrent, () -> unverified(ws, "sso_not_configured",
                    "Single sign-on is not configured or not active for this workspace.", null, samlResponse, 403, correlationId, clientAddress));
        }
        return validation.validate(workspace, samlResponse, expectedInResponseTo).flatMap(report -> {
            if (!report.accepted()) {
                SamlErrorCode error = report.error();
                int status = isMalformed(error) ? 400 : 403;
                if (!report.signatureVerified()) {
                    return confirmed(workspace, confirmedCurrent, () -> unverified(ws, error.code(), error.message(), report.responseId(),
                            samlResponse, status, correlationId, clientAddress));
                }
                return confirmed(workspace, confirmedCurrent, () -> refuse(ws, error.code(), error.message(), null, report.responseId(),
                        report.issuer(), samlResponse, status, correlationId, clientAddress));
            }
            SamlPrincipal principal = report.principal();
            return decide(workspace, principal, report, samlResponse, correlationId, clientAddress);
        });
    }

    /** Runs {@code refusal} once {@code workspace} is known to be the current state; fails with {@link WorkspaceChanged} if it is not. */
    private Uni<Result> confirmed(WorkspaceState workspace, boolean confirmedCurrent, java.util.function.Supplier<Uni<Result>> refusal) {
        if (confirmedCurrent) {
            return refusal.get();
        }
        return workspaces.current(workspace.workspaceId()).flatMap(current -> current.version() == workspace.version()
                ? refusal.get()
                : Uni.createFrom().failure(new WorkspaceChanged(workspace.workspaceId())));
    }

    private Uni<Result> decide(WorkspaceState workspace, SamlPrincipal principal, ValidationReport report, String samlResponse,
                               String correlationId, String clientAddress) {
        String ws = workspace.workspaceId();
        String memberKey = MemberKeys.normalize(principal.nameId());
        UUID sessionId = UUID.randomUUID();
        Instant now = clock.instant();
        Actor idp = Actor.idp(principal.issuer());
        EventMetadata metadata = new EventMetadata(ws, "idp:" + principal.issuer(), correlationId, report.responseId());
        SignIn signIn = new SignIn(memberKey, principal.email(), principal.displayName(), principal::attributeValues,
                sessionId.toString(), now, sessions.lifetime(), idp);
        // The replay claim (SPEC §4.11) commits with the sign-in, in one transaction.
        SignInOutcome replayed = new SignInOutcome.Rejected(SamlErrorCode.REPLAYED_ASSERTION.code(), SamlErrorCode.REPLAYED_ASSERTION.message());
        return members.decideIfAdmitted(ws, memberKey, metadata,
                conn -> claimAndRememberForLogout(conn, ws, memberKey, sessionId, principal, now),
                replayed, ctx -> {
            if (ctx.workspace().version() != workspace.version()) {
                // validated against another configuration (certificates, entity IDs, encryption): not decided on it
                throw new WorkspaceChanged(ws);
            }
            SignInOutcome outcome = SignInDecider.decide(ctx.workspace(), ctx.member(), signIn, ctx.otherActiveAdmins());
            return new MemberStreams.Decision<>(outcome instanceof SignInOutcome.Accepted accepted ? accepted.events() : List.of(), outcome);
        }).flatMap(done -> {
            if (done.result() instanceof SignInOutcome.Accepted accepted) {
                // DEBUG: every accepted sign-in is an event (and audit entry) already; a line each cost CPU at volume (issue 20)
                LOG.debugf("sign-in accepted: workspace=%s response=%s provisioned=%s", ws, report.responseId(), accepted.provisioned());
                return Uni.createFrom().item((Result) new SignedIn(ws, memberKey, sessionId, done.sessionSecrets().get(sessionId.toString()),
                        accepted.effectiveRole(), accepted.provisioned(), now.plus(sessions.lifetime()), done.twoFactorRequired()));
            }
            SignInOutcome.Rejected rejected = (SignInOutcome.Rejected) done.result();
            return refuse(ws, rejected.code(), rejected.detail(), principal.nameId(), report.responseId(), report.issuer(),
                    samlResponse, 403, correlationId, clientAddress);
        });
    }

    /**
     * The replay claim (SPEC §4.11) and, only if it succeeds, the IdP's NameID and SessionIndex of this sign-in for its
     * LogoutRequests (issue 19): one statement, in the sign-in's transaction. If the decision then refuses, no live
     * session ever matches the row.
     */
    private Uni<Boolean> claimAndRememberForLogout(io.vertx.mutiny.sqlclient.SqlConnection conn, String ws, String memberKey, UUID sessionId,
                                                   SamlPrincipal principal, Instant now) {
        return replayCache.claimThen(conn, ws, principal.assertionId(), principal.assertionNotOnOrAfter(),
                "INSERT INTO saml_sessions (session_id, workspace_id, member_key, name_id, name_id_format, session_index, expires_at) "
                        + "SELECT $4::uuid, $2, $5::text, $6::text, $7::text, $8::text, $9::timestamptz FROM claimed",
                java.util.Arrays.asList(sessionId, memberKey, principal.nameId(), principal.nameIdFormat(), principal.sessionIndex(),
                        OffsetDateTime.ofInstant(now.plus(java.time.Duration.ofDays(1)), ZoneOffset.UTC)));
    }

    private Uni<Result> refuse(String ws, String code, String message, String nameId, String responseId, String issuer,
                               String samlResponse, int status, String correlationId, String clientAddress) {
        LOG.infof("sign-in refused: workspace=%s response=%s code=%s", ws, responseId, code);
        guard.refused(clientAddress, ws, code, clock.instant());
        LoginRejected event = new LoginRejected(code, message, nameId, responseId, issuer, clock.instant());
        EventMetadata metadata = new EventMetadata(ws, issuer == null ? "anonymous" : "idp:" + issuer, correlationId, responseId);
        return rejections.record(event, metadata)
                .flatMap(ignored -> rememberRejected(ws, samlResponse, code))
                .replaceWith((Result) new Refused(code, message, correlationId, status));
    }

    /**
     * G10: a refusal before any signature verified is anyone's to cause: counted and logged, never an event; the
     * inspector's sample takes it only now and then per workspace.
     */
    private Uni<Result> unverified(String ws, String code, String message, String responseId, String samlResponse, int status,
                                   String correlationId, String clientAddress) {
        Instant now = clock.instant();
        LOG.infof("sign-in refused before any signature verified: workspace=%s response=%s code=%s address=%s reference=%s",
                ws, SafeText.of(responseId), code, clientAddress, correlationId);
        guard.failed(clientAddress, ws, code, now);
        Uni<Void> sampled = guard.sampleDue(ws, now) ? rememberRejected(ws, samlResponse, code) : Uni.createFrom().voidItem();
        return sampled.replaceWith((Result) new Refused(code, message, correlationId, status));
    }

    /** The last response of the workspace that was refused, for the assertion inspector (R20); empty if none was. */
    public Uni<Optional<String>> lastRejected(String ws) {
        return pool.preparedQuery("SELECT saml_response FROM saml_last_rejected WHERE workspace_id = $1").execute(Tuple.of(ws))
                .map(rows -> rows.size() == 0 ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString("saml_response")));
    }

    /** Keeps the last rejected response of the workspace for the assertion inspector (R20). */
    private Uni<Void> rememberRejected(String ws, String samlResponse, String code) {
        if (samlResponse == null || samlResponse.length() > 300_000) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("INSERT INTO saml_last_rejected (workspace_id, saml_response, error_code, received_at) VALUES ($1, $2, $3, $4) "
                        + "ON CONFLICT (workspace_id) DO UPDATE SET saml_response = EXCLUDED.saml_response, error_code = EXCLUDED.error_code, received_at = EXCLUDED.received_at")
                .execute(Tuple.of(ws, samlResponse, code, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    static boolean isMalformed(SamlErrorCode error) {
        return error == SamlErrorCode.BODY_TOO_LARGE || error == SamlErrorCode.INVALID_BASE64
                || error == SamlErrorCode.MALFORMED_XML || error == SamlErrorCode.DOCTYPE_FORBIDDEN;
    }
}
