package dev.jitprov.saml;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.members.MemberStreams;
import dev.jitprov.provisioning.Actor;
import dev.jitprov.provisioning.DomainException;
import dev.jitprov.provisioning.ErrorCodes;
import dev.jitprov.provisioning.MemberCommand;
import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.provisioning.SessionEndReason;
import dev.jitprov.provisioning.WorkspaceState;
import dev.jitprov.replica.DrainedAtShutdown;
import dev.jitprov.replica.RoleSkips;
import dev.jitprov.workspace.ServiceUrls;
import dev.jitprov.workspace.Workspaces;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * IdP-initiated Single Logout (SAML 2.0 Profiles §4.4; issue 19): a verified LogoutRequest ends the sessions of its
 * NameID (only those with a listed SessionIndex when any is listed) with {@code session.ended.v1} reason
 * {@code IDP_LOGOUT}, so a temporary member is deleted (R12) and the audit log shows it; the answer is the SP's signed
 * LogoutResponse to the IdP's SLO URL on the same binding. A request that fails verification ends nothing.
 */
@ApplicationScoped
public class SingleLogout {

    private static final Logger LOG = Logger.getLogger(SingleLogout.class);

    /** What the browser gets. */
    public sealed interface Answer {
    }

    /** HTTP-Redirect to the IdP with the signed response. */
    public record Redirect(String location) implements Answer {
    }

    /** HTTP-POST: a page that posts the signed response to the IdP. */
    public record Post(String html) implements Answer {
    }

    /**
     * A page says the person is signed out: the workspace has no IdP SLO URL to answer to, or the IdP answered this SP's
     * LogoutRequest; {@code partial} when a session could not be ended or the IdP did not answer Success.
     */
    public record SignedOut(boolean partial) implements Answer {
    }

    /** Verification failed (nothing ended): the status, the code, a message for people. */
    public record Refused(int status, String code, String message) implements Answer {
    }

    private final Workspaces workspaces;
    private final WorkspaceSamlValidator validation;
    private final ReplayCache replayCache;
    private final MemberStreams members;
    private final SpKeys keys;
    private final ServiceUrls urls;
    private final Pool pool;
    private final Clock clock;

    public SingleLogout(Workspaces workspaces, WorkspaceSamlValidator validation, ReplayCache replayCache, MemberStreams members,
                        SpKeys keys, ServiceUrls urls, Pool pool, Clock clock) {
        this.workspaces = workspaces;
        this.validation = validation;
        this.replayCache = replayCache;
        this.members = members;
        this.keys = keys;
        this.urls = urls;
        this.pool = pool;
        this.clock = clock;
    }

    /**
     * @param rawQuery the Redirect binding's query string as received (null for POST)
     * @param posted   the POST binding's {@code SAMLRequest} field (null for Redirect)
     */
    public Uni<Answer> fromIdp(String ws, String rawQuery, String posted, String relayState) {
        return workspaces.require(ws).flatMap(workspace -> {
            if (!workspace.ssoConfigured()) {
                return Uni.createFrom().item((Answer) new Refused(409, SamlErrorCode.SLO_NOT_CONFIGURED.code(), SamlErrorCode.SLO_NOT_CONFIGURED.message()));
            }
            return validation.verifyLogout(workspace, rawQuery, posted)
                    .flatMap(request -> replayCache.claim(ws, "logout:" + request.requestId(), request.notOnOrAfter()).flatMap(fresh -> fresh
                            ? end(workspace, request).flatMap(partial -> answer(workspace, request, partial, posted != null, relayState))
                            : Uni.createFrom().item((Answer) new Refused(403, SamlErrorCode.REPLAYED_REQUEST.code(), SamlErrorCode.REPLAYED_REQUEST.message()))))
                    .onFailure(WorkspaceSamlValidator.LogoutRefused.class).recoverWithItem(failure -> {
                        SamlErrorCode error = ((WorkspaceSamlValidator.LogoutRefused) failure).error();
                        LOG.infof("IdP logout refused: workspace=%s code=%s", ws, error.code());
                        boolean malformed = SamlSignIn.isMalformed(error) || error == SamlErrorCode.NOT_A_LOGOUT_REQUEST;
                        return new Refused(malformed ? 400 : 403, error.code(), error.message());
                    });
        });
    }

    /** Where to send the browser after a local logout (SP-initiated SLO) and the ID the IdP's answer must carry. */
    public record SpLogout(String location, String requestId) {
    }

    /**
     * SP-initiated logout (issue 19), after the local session ended (it never waits for the IdP): a signed LogoutRequest
     * for the session's NameID and SessionIndex, when the session came from SAML and the workspace has an IdP SLO URL.
     */
    public Uni<java.util.Optional<SpLogout>> fromSp(String ws, UUID sessionId) {
        return Uni.combine().all().unis(workspaces.current(ws), pool.preparedQuery(
                        "SELECT name_id, name_id_format, session_index FROM saml_sessions WHERE session_id = $1 AND workspace_id = $2")
                .execute(Tuple.of(sessionId, ws))).asTuple().flatMap(found -> {
                    WorkspaceState workspace = found.getItem1();
                    var rows = found.getItem2();
                    if (rows.size() == 0 || !workspace.ssoConfigured() || workspace.sso().sloUrl() == null || workspace.sso().sloUrl().isBlank()) {
                        return Uni.createFrom().item(java.util.Optional.<SpLogout>empty());
                    }
                    var row = rows.iterator().next();
                    String requestId = "_" + UUID.randomUUID().toString().replace("-", "");
                    return keys.active(ws).map(key -> java.util.Optional.of(new SpLogout(LogoutMessages.requestRedirect(workspace.sso().sloUrl(),
                            urls.spEntityId(ws), requestId, row.getString("name_id"), row.getString("name_id_format"), row.getString("session_index"),
                            key, clock.instant()), requestId)));
                });
    }

    /**
     * The IdP's LogoutResponse to this SP's request: verified (binding signature, Issuer, Destination, times), answering
     * {@code expectedRequestId} (the browser's cookie), once. The local session already ended; this only tells the person.
     */
    public Uni<Answer> responseFromIdp(String ws, String rawQuery, String posted, String expectedRequestId) {
        return workspaces.require(ws).flatMap(workspace -> {
            if (!workspace.ssoConfigured()) {
                return Uni.createFrom().item((Answer) new Refused(409, SamlErrorCode.SLO_NOT_CONFIGURED.code(), SamlErrorCode.SLO_NOT_CONFIGURED.message()));
            }
            return validation.verifyLogoutResponse(workspace, rawQuery, posted).flatMap(response -> {
                if (expectedRequestId == null || !expectedRequestId.equals(response.inResponseTo())) {
                    return Uni.createFrom().item((Answer) new Refused(403, SamlErrorCode.IN_RESPONSE_TO_MISMATCH.code(),
                            "This sign-out answer does not answer the sign-out this browser started."));
                }
                return replayCache.claim(ws, "logout-response:" + response.responseId(), response.expires()).map(fresh -> fresh
                        ? (Answer) new SignedOut(!response.success())
                        : new Refused(403, SamlErrorCode.REPLAYED_REQUEST.code(), SamlErrorCode.REPLAYED_REQUEST.message()));
            }).onFailure(WorkspaceSamlValidator.LogoutRefused.class).recoverWithItem(failure -> {
                SamlErrorCode error = ((WorkspaceSamlValidator.LogoutRefused) failure).error();
                return new Refused(SamlSignIn.isMalformed(error) || error == SamlErrorCode.NOT_A_LOGOUT_REQUEST ? 400 : 403, error.code(), error.message());
            });
        });
    }

    /** Ends the matching live sessions, one member decision each; true when one of them could not be ended. */
    private Uni<Boolean> end(WorkspaceState workspace, LogoutRequestVerifier.VerifiedLogout request) {
        String ws = workspace.workspaceId();
        String memberKey = MemberKeys.normalize(request.nameId());
        return pool.preparedQuery("SELECT s.session_id, s.session_index FROM saml_sessions s JOIN auth_sessions a ON a.session_id = s.session_id "
                        + "WHERE s.workspace_id = $1 AND s.member_key = $2 ORDER BY s.session_id")
                .execute(Tuple.of(ws, memberKey))
                .flatMap(rows -> {
                    List<UUID> sessions = new ArrayList<>();
                    rows.forEach(row -> {
                        if (request.sessionIndexes().isEmpty() || request.sessionIndexes().contains(row.getString("session_index"))) {
                            sessions.add(row.getUUID("session_id"));
                        }
                    });
                    Actor idp = Actor.idp(request.issuer());
                    EventMetadata metadata = new EventMetadata(ws, "idp:" + request.issuer(), UUID.randomUUID().toString(), request.requestId());
                    Uni<Boolean> partial = Uni.createFrom().item(false);
                    for (UUID session : sessions) {
                        partial = partial.flatMap(before -> members.execute(ws, memberKey, metadata,
                                        new MemberCommand.EndSession(session.toString(), SessionEndReason.IDP_LOGOUT, idp))
                                .replaceWith(before)
                                // ended meanwhile (a logout, an expiry): it is ended, which is what was asked
                                .onFailure(e -> e instanceof DomainException d && ErrorCodes.SESSION_NOT_FOUND.equals(d.code())).recoverWithItem(before)
                                .onFailure().recoverWithItem(failure -> {
                                    LOG.warnf("IdP logout: session %s of %s could not be ended: %s", session, ws, failure.toString());
                                    return true;
                                }));
                    }
                    return partial.invoke(p -> LOG.infof("IdP logout: workspace=%s request=%s sessions=%d partial=%s", ws,
                            request.requestId(), sessions.size(), p));
                });
    }

    private Uni<Answer> answer(WorkspaceState workspace, LogoutRequestVerifier.VerifiedLogout request, boolean partial, boolean post,
                               String relayState) {
        String idpSlo = workspace.sso().sloUrl();
        if (idpSlo == null || idpSlo.isBlank()) {
            return Uni.createFrom().item(new SignedOut(partial));
        }
        String spEntityId = urls.spEntityId(workspace.workspaceId());
        return keys.active(workspace.workspaceId()).map(key -> post
                ? new Post(LogoutMessages.postForm(idpSlo, spEntityId, request.requestId(), partial, relayState, key, clock.instant()))
                : new Redirect(LogoutMessages.redirect(idpSlo, spEntityId, request.requestId(), partial, relayState, key, clock.instant())));
    }

    /**
     * A sign-in's IdP session row (NameID, SessionIndex) is kept a day, longer than any browser session it serves;
     * after that it only takes space, one row per sign-in. Removed with the replay cache's rhythm; no index on
     * {@code expires_at} on purpose: a scan every few minutes costs less than an index entry per sign-in (issue 20).
     */
    @DrainedAtShutdown
    @Scheduled(skipExecutionIf = RoleSkips.UnlessApi.class, every = "{jit.saml.replay-cleanup-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetExpiredSessions() {
        return pool.preparedQuery("DELETE FROM saml_sessions WHERE expires_at < $1")
                .execute(Tuple.of(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))).replaceWithVoid();
    }
}
