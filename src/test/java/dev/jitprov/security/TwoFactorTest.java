package dev.jitprov.security;

import dev.jitprov.provisioning.MemberKeys;
import dev.jitprov.support.EventLog;
import dev.jitprov.support.Scenario;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * R14 end to end: the workspace enforces 2FA, members sign in through the real ACS (or with a password), enroll
 * and verify through the pages or the JSON API; codes are computed here from the secret with the TOTP library.
 */
@QuarkusTest
class TwoFactorTest {

    @Inject
    Pool pool;
    EventLog events;

    @BeforeEach
    void setUp() {
        events = new EventLog(pool);
    }

    // ---- fixtures ----

    private record Enrolled(String secret, long step, List<String> recoveryCodes) {
    }

    private static Scenario enforced(String name) {
        Scenario s = Scenario.withJit(name, Map.of());
        SecurityFixtures.secure(s, true, List.of());
        return s;
    }

    private static long currentStep() {
        return Instant.now().getEpochSecond() / 30;
    }

    private static String code(String secret, long step) {
        try {
            return new DefaultCodeGenerator().generate(secret, step);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A six-digit code that matches none of the steps around now. */
    private static String wrongCode(String secret) {
        long now = currentStep();
        for (int candidate = 0; ; candidate++) {
            String c = String.format("%06d", candidate);
            boolean valid = false;
            for (long s = now - 3; s <= now + 3; s++) {
                valid |= code(secret, s).equals(c);
            }
            if (!valid) {
                return c;
            }
        }
    }

    private static Enrolled enroll(String cookie) {
        String secret = given().cookie("jit_session", cookie).get("/api/2fa").then().statusCode(200)
                .body("state", equalTo("enroll")).body("qrCode", startsWith("data:image/png;base64,"))
                .body("otpauthUri", startsWith("otpauth://totp/")).extract().path("secret");
        long step = currentStep();
        List<String> codes = verifyJson(cookie, code(secret, step), "/api/2fa/enroll").then().statusCode(200)
                .body("status", equalTo("active")).extract().path("recoveryCodes");
        return new Enrolled(secret, step, codes);
    }

    private static Response verifyJson(String cookie, String code) {
        return verifyJson(cookie, code, "/api/2fa/verify");
    }

    private static Response verifyJson(String cookie, String code, String path) {
        return given().cookie("jit_session", cookie).header("X-Requested-With", "jit-console").contentType(ContentType.JSON).body(Map.of("code", code)).post(path);
    }

    private static void assertPending(String cookie) {
        given().cookie("jit_session", cookie).get("/api/session").then().statusCode(401).body("code", equalTo("two_factor_required"));
    }

    private static void assertActive(String cookie) {
        given().cookie("jit_session", cookie).get("/api/session").then().statusCode(200);
    }

    private List<String> memberEventTypes(Scenario s, String email) {
        return events.member(s.workspaceId, MemberKeys.normalize(email)).stream().map(EventLog.Entry::type).toList();
    }

    private static String find(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        assertThat(m.find()).as("page matches " + regex).isTrue();
        return m.group(1);
    }

    // ---- specifications ----

    @Nested
    class R14_FirstSignInEnrolls {

        @Test
        void r14_theAcsSendsANewMemberToTheEnrollmentPageAndAValidCodeActivatesTheSession() {
            Scenario s = enforced("r14-enroll-pages");
            Response acs = s.postAcs(s.signedResponse("ann@example.com", "Analyst"));
            acs.then().statusCode(303).header("Location", containsString("/2fa?next=%2Fconsole"));
            String cookie = acs.getCookie("jit_session");
            assertPending(cookie);

            String page = given().cookie("jit_session", cookie).get("/2fa").then().statusCode(200)
                    .contentType(containsString("text/html")).body(containsString("data:image/png;base64,")).extract().asString();
            String secret = find(page, "id=\"secret\">([A-Z2-7]+)<");
            String csrf = find(page, "name=\"csrf\" value=\"([0-9a-f]+)\"");

            String codesPage = given().cookie("jit_session", cookie).redirects().follow(false).contentType(ContentType.URLENC)
                    .formParam("csrf", csrf).formParam("code", code(secret, currentStep())).formParam("next", "/console")
                    .post("/2fa/enroll").then().statusCode(200).extract().asString();
            assertThat(Pattern.compile("<li class=\"code\">[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}</li>").matcher(codesPage).results().count())
                    .isEqualTo(10);
            assertActive(cookie);

            assertThat(memberEventTypes(s, "ann@example.com"))
                    .containsExactly("user.provisioned.v1", "session.started.v1", "two-factor.enrolled.v1");
            String enrolled = events.member(s.workspaceId, "ann@example.com").get(2).payload();
            assertThat(enrolled).contains("\"recoveryCodes\":10").doesNotContain(secret);
            // The secret is stored encrypted.
            String stored = pool.preparedQuery("SELECT secret_ciphertext FROM two_factor_credentials WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(s.workspaceId, "ann@example.com")).await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0);
            assertThat(stored).startsWith("v1:").doesNotContain(secret);
        }

        @Test
        void r14_theEnrollmentPageShowsTheSameSecretUntilItIsConfirmed() {
            Scenario s = enforced("r14-same-secret");
            String cookie = s.signIn("bob@example.com", "Analyst");
            String first = given().cookie("jit_session", cookie).get("/api/2fa").then().extract().path("secret");
            String again = given().cookie("jit_session", cookie).get("/api/2fa").then().extract().path("secret");
            assertThat(again).isEqualTo(first);
        }

        @Test
        void r14_formsNeedTheSessionsCsrfToken() {
            Scenario s = enforced("r14-csrf");
            String cookie = s.signIn("cara@example.com", "Analyst");
            String secret = given().cookie("jit_session", cookie).get("/api/2fa").then().extract().path("secret");
            given().cookie("jit_session", cookie).contentType(ContentType.URLENC)
                    .formParam("csrf", "0".repeat(64)).formParam("code", code(secret, currentStep()))
                    .post("/2fa/enroll").then().statusCode(403).body(containsString("csrf_invalid"));
            assertPending(cookie);
        }
    }

    @Nested
    class R14_TheSessionIsUnusableBeforeTheSecondFactor {

        @Test
        void r14_everyApiAnswers401TwoFactorRequiredUntilAValidCode() {
            Scenario s = enforced("r14-pending");
            String cookie = s.signIn("boss@example.com", "Admin");
            for (String path : List.of("/api/session", "/api/workspaces/" + s.workspaceId + "/security",
                    "/api/workspaces/" + s.workspaceId + "/members", "/api/workspaces/" + s.workspaceId + "/provisioning")) {
                given().cookie("jit_session", cookie).get(path).then().statusCode(401).body("code", equalTo("two_factor_required"));
            }
            enroll(cookie);
            given().cookie("jit_session", cookie).get("/api/workspaces/" + s.workspaceId + "/security").then().statusCode(200);
        }

        @Test
        void r14_passwordSignInAlsoWaitsForTheSecondFactor() {
            Scenario s = enforced("r14-password");
            Response response = SecurityFixtures.passwordSignIn(s, Map.of());
            response.then().statusCode(202).body("status", equalTo("two_factor_required")).body("page", equalTo("/2fa"));
            String cookie = response.getCookie("jit_session");
            assertPending(cookie);
            enroll(cookie);
            assertActive(cookie);
        }

        @Test
        void r14_aPendingSessionIsARealSessionOfTheMember_soSessionEndAndExpiryRulesApply() {
            Scenario s = enforced("r14-pending-real");
            String cookie = s.signIn("temp@example.com", "Analyst");
            assertThat(memberEventTypes(s, "temp@example.com")).containsExactly("user.provisioned.v1", "session.started.v1");
            given().cookie("jit_session", cookie).redirects().follow(false).post("/logout").then().statusCode(303);
            assertThat(memberEventTypes(s, "temp@example.com")).contains("session.ended.v1");
            given().cookie("jit_session", cookie).get("/api/2fa").then().statusCode(401).body("code", equalTo("session_invalid"));
        }
    }

    @Nested
    class R14_APendingSignInIsShortLived {

        @Test
        void r14_aSessionStillWaitingForItsSecondFactorAfterTenMinutesMustSignInAgain() {
            Scenario s = enforced("r14-pending-window");
            String cookie = s.signIn("late@example.com", "Analyst");
            given().cookie("jit_session", cookie).get("/api/2fa").then().statusCode(200);

            pool.preparedQuery("UPDATE auth_sessions SET started_at = started_at - interval '11 minutes' "
                            + "WHERE workspace_id = $1 AND two_factor_pending").execute(io.vertx.mutiny.sqlclient.Tuple.of(s.workspaceId))
                    .await().indefinitely();

            given().cookie("jit_session", cookie).get("/api/2fa").then().statusCode(401).body("code", equalTo("session_invalid"));
            given().cookie("jit_session", cookie).get("/api/session").then().statusCode(401);
            String again = s.signIn("late@example.com", "Analyst");
            given().cookie("jit_session", again).get("/api/2fa").then().statusCode(200).body("state", equalTo("enroll"));
        }

        @Test
        void r14_logoutStillEndsAPendingSessionPastItsWindow() {
            Scenario s = enforced("r14-stale-logout");
            String cookie = s.signIn("gone@example.com", "Analyst");
            pool.preparedQuery("UPDATE auth_sessions SET started_at = started_at - interval '11 minutes' "
                            + "WHERE workspace_id = $1 AND two_factor_pending").execute(io.vertx.mutiny.sqlclient.Tuple.of(s.workspaceId))
                    .await().indefinitely();

            given().cookie("jit_session", cookie).redirects().follow(false).post("/logout").then().statusCode(303);

            assertThat(memberEventTypes(s, "gone@example.com")).as("ended at logout, not hours later at its expiry")
                    .containsExactly("user.provisioned.v1", "session.started.v1", "session.ended.v1");
        }

        @Test
        void r14_anActiveSessionIsNotAffectedByThePendingLimit() {
            Scenario s = enforced("r14-active-window");
            String cookie = s.signIn("early@example.com", "Analyst");
            enroll(cookie);

            pool.preparedQuery("UPDATE auth_sessions SET started_at = started_at - interval '1 hour' WHERE workspace_id = $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(s.workspaceId)).await().indefinitely();

            assertActive(cookie);
        }
    }

    @Nested
    class R14_LaterSignInsAskForACode {

        @Test
        void r14_aValidCodeActivatesTheNextSession() {
            Scenario s = enforced("r14-verify");
            Enrolled enrolled = enroll(s.signIn("dan@example.com", "Analyst"));

            Response acs = s.postAcs(s.signedResponse("dan@example.com", "Analyst"));
            acs.then().statusCode(303).header("Location", containsString("/2fa?next=%2Fconsole"));
            String cookie = acs.getCookie("jit_session");
            given().cookie("jit_session", cookie).get("/api/2fa").then().statusCode(200).body("state", equalTo("verify"))
                    .body("secret", org.hamcrest.Matchers.nullValue());
            assertPending(cookie);

            verifyJson(cookie, code(enrolled.secret(), enrolled.step() + 1)).then().statusCode(200)
                    .body("status", equalTo("active")).body("method", equalTo("TOTP"));
            assertActive(cookie);
            assertThat(memberEventTypes(s, "dan@example.com")).endsWith("session.started.v1", "two-factor.verified.v1");
        }

        @Test
        void r14_theVerificationPageWorksWithAFormToo() {
            Scenario s = enforced("r14-verify-form");
            Enrolled enrolled = enroll(s.signIn("eve@example.com", "Analyst"));
            String cookie = s.signIn("eve@example.com", "Analyst");
            String page = given().cookie("jit_session", cookie).get("/2fa").then().statusCode(200).extract().asString();
            assertThat(page).contains("action=\"/2fa/verify\"").doesNotContain(enrolled.secret());
            String csrf = find(page, "name=\"csrf\" value=\"([0-9a-f]+)\"");
            given().cookie("jit_session", cookie).redirects().follow(false).contentType(ContentType.URLENC)
                    .formParam("csrf", csrf).formParam("code", code(enrolled.secret(), enrolled.step() + 1)).formParam("next", "/console")
                    .post("/2fa/verify").then().statusCode(303).header("Location", containsString("/console"));
            assertActive(cookie);
        }

        @Test
        void r14_aWrongCodeIsRefusedAndAudited() {
            Scenario s = enforced("r14-wrong");
            Enrolled enrolled = enroll(s.signIn("fay@example.com", "Analyst"));
            String cookie = s.signIn("fay@example.com", "Analyst");

            verifyJson(cookie, wrongCode(enrolled.secret())).then().statusCode(401).body("code", equalTo("two_factor_invalid"));
            assertPending(cookie);
            List<EventLog.Entry> failed = events.member(s.workspaceId, "fay@example.com").stream()
                    .filter(e -> e.type().equals("two-factor.failed.v1")).toList();
            assertThat(failed).singleElement().satisfies(e -> assertThat(e.payload()).contains("\"reason\":\"invalid_code\"").contains("\"failures\":1"));
        }

        @Test
        void r14_aCodeIsAcceptedOnce() {
            Scenario s = enforced("r14-reused");
            Enrolled enrolled = enroll(s.signIn("gus@example.com", "Analyst"));
            String cookie = s.signIn("gus@example.com", "Analyst");

            verifyJson(cookie, code(enrolled.secret(), enrolled.step())).then().statusCode(401).body("code", equalTo("two_factor_code_reused"));
            assertPending(cookie);
            verifyJson(cookie, code(enrolled.secret(), enrolled.step() + 1)).then().statusCode(200);

            String next = s.signIn("gus@example.com", "Analyst");
            verifyJson(next, code(enrolled.secret(), enrolled.step() + 1)).then().statusCode(401).body("code", equalTo("two_factor_code_reused"));
        }

        @Test
        void r14_aCodeFromThreeStepsAgoHasExpired() {
            Scenario s = enforced("r14-expired");
            Enrolled enrolled = enroll(s.signIn("hal@example.com", "Analyst"));
            String cookie = s.signIn("hal@example.com", "Analyst");

            verifyJson(cookie, code(enrolled.secret(), currentStep() - 3)).then().statusCode(401).body("code", equalTo("two_factor_invalid"));
            assertPending(cookie);
        }

        @Test
        void r14_tooManyWrongCodesLockTheSecondFactorForAWhile() {
            Scenario s = enforced("r14-locked");
            Enrolled enrolled = enroll(s.signIn("ida@example.com", "Analyst"));
            String cookie = s.signIn("ida@example.com", "Analyst");
            String wrong = wrongCode(enrolled.secret());

            for (int i = 1; i < 5; i++) {
                verifyJson(cookie, wrong).then().statusCode(401).body("code", equalTo("two_factor_invalid"));
            }
            verifyJson(cookie, wrong).then().statusCode(429).body("code", equalTo("two_factor_locked"));
            // Locked: even a valid code, and a fresh sign-in, are refused.
            verifyJson(cookie, code(enrolled.secret(), enrolled.step() + 1)).then().statusCode(429).body("code", equalTo("two_factor_locked"));
            String another = s.signIn("ida@example.com", "Analyst");
            verifyJson(another, code(enrolled.secret(), enrolled.step() + 1)).then().statusCode(429);
            assertPending(cookie);

            List<EventLog.Entry> failed = events.member(s.workspaceId, "ida@example.com").stream()
                    .filter(e -> e.type().equals("two-factor.failed.v1")).toList();
            assertThat(failed).hasSize(5);
            assertThat(failed.get(4).payload()).contains("\"failures\":5").contains("\"lockedUntil\":\"");
            assertThat(failed.get(3).payload()).contains("\"lockedUntil\":null");

            // The lock lasts jit.two-factor.lock-duration (5 minutes); once it is over, a valid code works again.
            pool.preparedQuery("UPDATE two_factor_credentials SET locked_until = now() - interval '1 second' WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(s.workspaceId, "ida@example.com")).await().atMost(Duration.ofSeconds(10));
            verifyJson(cookie, code(enrolled.secret(), enrolled.step() + 1)).then().statusCode(200);
            assertActive(cookie);
        }
    }

    /** docs/security.md G6: the enrolment secret belongs to one session; locks escalate and tell the admins. */
    @Nested
    class G6_EnrolmentAndLocks {

        private String secretOf(String cookie) {
            return given().cookie("jit_session", cookie).get("/api/2fa").then().statusCode(200).body("state", equalTo("enroll"))
                    .extract().path("secret");
        }

        @Test
        void g6_aSecondPendingSessionGetsItsOwnSecret_andNoSessionConfirmsASecretShownToAnother() {
            Scenario s = enforced("g6-own-secret");
            String victim = s.signIn("vic@example.com", "Analyst");
            String victimSecret = secretOf(victim);
            // someone holding the victim's first factor signs in before the victim finished enrolling
            String intruder = s.signIn("vic@example.com", "Analyst");
            String intruderSecret = secretOf(intruder);
            assertThat(intruderSecret).isNotEqualTo(victimSecret);

            // the secret the victim was shown is no longer the one waiting: it cannot be confirmed
            verifyJson(victim, code(victimSecret, currentStep()), "/api/2fa/enroll").then().statusCode(409)
                    .body("code", equalTo("two_factor_enrolment_elsewhere"));
            // asking again gives the victim a secret of its own, which the intruder never saw
            String ownSecret = secretOf(victim);
            assertThat(ownSecret).isNotIn(victimSecret, intruderSecret);
            verifyJson(victim, code(ownSecret, currentStep()), "/api/2fa/enroll").then().statusCode(200);
            assertActive(victim);

            verifyJson(intruder, code(intruderSecret, currentStep()), "/api/2fa/enroll").then().statusCode(409)
                    .body("code", equalTo("two_factor_already_enrolled"));
            assertPending(intruder);
        }

        @Test
        void g6_failuresSurviveALock_soEachFurtherWrongCodeLocksForTwiceAsLong_andAdminsAreMailed() {
            Scenario s = enforced("g6-escalate");
            Enrolled enrolled = enroll(s.signIn("lou@example.com", "Analyst"));
            String cookie = s.signIn("lou@example.com", "Analyst");
            String wrong = wrongCode(enrolled.secret());
            for (int i = 1; i < 5; i++) {
                verifyJson(cookie, wrong).then().statusCode(401);
            }
            verifyJson(cookie, wrong).then().statusCode(429).body("code", equalTo("two_factor_locked"));

            // the first lock (5 minutes) is over: one more wrong code locks again at once, for 10 minutes
            pool.preparedQuery("UPDATE two_factor_credentials SET locked_until = now() - interval '1 second' WHERE workspace_id = $1 AND member_key = $2")
                    .execute(Tuple.of(s.workspaceId, "lou@example.com")).await().atMost(Duration.ofSeconds(10));
            verifyJson(cookie, wrong).then().statusCode(429).body("code", equalTo("two_factor_locked"));

            List<EventLog.Entry> failed = events.member(s.workspaceId, "lou@example.com").stream()
                    .filter(e -> e.type().equals("two-factor.failed.v1")).toList();
            assertThat(failed).hasSize(6);
            assertThat(failed.get(4).payload()).contains("\"failures\":5");
            assertThat(failed.get(5).payload()).contains("\"failures\":6");
            assertThat(lockLength(failed.get(4).payload())).isEqualTo(Duration.ofMinutes(5));
            assertThat(lockLength(failed.get(5).payload())).isEqualTo(Duration.ofMinutes(10));

            // every admin hears of each lock (the owner is the admin here)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> lockMailsTo(s.ownerEmail).size() == 2);
            assertThat(lockMailsTo("lou@example.com")).isEmpty();
        }

        private static Duration lockLength(String payload) {
            Matcher until = Pattern.compile("\"lockedUntil\":\"([^\"]+)\"").matcher(payload);
            Matcher at = Pattern.compile("\"at\":\"([^\"]+)\"").matcher(payload);
            assertThat(until.find() && at.find()).isTrue();
            return Duration.between(Instant.parse(at.group(1)), Instant.parse(until.group(1)));
        }

        private static List<jakarta.mail.internet.MimeMessage> lockMailsTo(String recipient) {
            return dev.jitprov.support.Mails.to(recipient, "Two-factor sign-in locked for lou@example.com");
        }
    }

    @Nested
    class R14_RecoveryCodes {

        @Test
        void r14_aRecoveryCodeWorksOnce() {
            Scenario s = enforced("r14-recovery");
            Enrolled enrolled = enroll(s.signIn("jo@example.com", "Analyst"));
            assertThat(enrolled.recoveryCodes()).hasSize(10).doesNotHaveDuplicates();
            String recovery = enrolled.recoveryCodes().get(3);

            String cookie = s.signIn("jo@example.com", "Analyst");
            verifyJson(cookie, recovery.toUpperCase()).then().statusCode(200)
                    .body("method", equalTo("RECOVERY_CODE")).body("recoveryCodesLeft", equalTo(9));
            assertActive(cookie);

            String again = s.signIn("jo@example.com", "Analyst");
            verifyJson(again, recovery).then().statusCode(401).body("code", equalTo("two_factor_invalid"));
            assertPending(again);
            verifyJson(again, enrolled.recoveryCodes().get(4)).then().statusCode(200).body("recoveryCodesLeft", equalTo(8));

            List<EventLog.Entry> used = events.member(s.workspaceId, "jo@example.com").stream()
                    .filter(e -> e.type().equals("two-factor.recovery-code-used.v1")).toList();
            assertThat(used).hasSize(2);
            assertThat(used.get(0).payload()).contains("\"remaining\":9").doesNotContain(recovery).doesNotContain(recovery.replace("-", ""));
        }
    }
}
