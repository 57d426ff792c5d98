package dev.jitprov.security;

import dev.jitprov.support.Scenario;
import dev.jitprov.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * docs/security.md G5: password sign-in is throttled per account and per client address, from the attacker's side.
 * The loopback is a trusted proxy here, so each test acts from addresses of its own (X-Forwarded-For).
 */
@QuarkusTest
@TestProfile(TrustedProxyProfile.class)
class PasswordThrottleTest {

    private static final String WRONG = "not the password at all";

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static Response attempt(Scenario s, String email, String password, String address) {
        return given().contentType(ContentType.JSON).header("X-Forwarded-For", address)
                .body(Map.of("workspace", s.workspaceId, "email", email, "password", password)).post("/api/auth/password");
    }

    /** bcrypt verifications so far, as the service's metrics report them. */
    private static double passwordChecks() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^jit_password_checks_total(?:\\{[^}]*})? ([0-9.E+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static long retryAfter(Response response) {
        return Long.parseLong(response.header("Retry-After"));
    }

    @Test
    void g5_twentyFiveWrongPasswordsForTheOwner_fiveAre401_theRest429WithoutSpendingBcrypt() {
        Scenario s = Scenario.newWorkspace("g5-owner");
        double before = passwordChecks();

        for (int i = 1; i <= 5; i++) {
            // a fresh address each time: this is the account's limit, not an address's
            attempt(s, s.ownerEmail, WRONG, "198.51.100." + i).then().statusCode(401).body("code", equalTo("invalid_credentials"));
        }
        for (int i = 6; i <= 25; i++) {
            Response locked = attempt(s, s.ownerEmail, WRONG, "198.51.100." + i);
            locked.then().statusCode(429).body("code", equalTo("too_many_attempts"));
            assertThat(retryAfter(locked)).isBetween(1L, 30L);
        }
        // even the right password waits: a locked account is not checked at all
        attempt(s, s.ownerEmail, s.ownerPassword, "198.51.100.26").then().statusCode(429);
        assertThat(passwordChecks() - before).isEqualTo(5.0);

        clock.offset(Duration.ofSeconds(31));
        attempt(s, s.ownerEmail, s.ownerPassword, "198.51.100.27").then().statusCode(200);
    }

    @Test
    void g5_twentyGuessesSentAtOnceStillGetAtMostFiveBcrypts() throws Exception {
        Scenario s = Scenario.newWorkspace("g5-burst");
        double before = passwordChecks();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String address = "198.51.101." + i;
                answers.add(pool.submit(() -> attempt(s, s.ownerEmail, WRONG, address).statusCode()));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(statuses).containsOnly(401, 429);
            assertThat(statuses.stream().filter(status -> status == 401).count()).isLessThanOrEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
        assertThat(passwordChecks() - before).isLessThanOrEqualTo(5.0);
    }

    @Test
    void g5_eachFailureAfterALockLocksAgainForTwiceAsLong() {
        Scenario s = Scenario.newWorkspace("g5-double");
        for (int i = 1; i <= 5; i++) {
            attempt(s, s.ownerEmail, WRONG, "192.0.2." + i).then().statusCode(401);
        }
        assertThat(retryAfter(attempt(s, s.ownerEmail, WRONG, "192.0.2.6"))).isBetween(1L, 30L);

        clock.offset(Duration.ofSeconds(31));
        attempt(s, s.ownerEmail, WRONG, "192.0.2.7").then().statusCode(401);
        Response locked = attempt(s, s.ownerEmail, WRONG, "192.0.2.8");
        locked.then().statusCode(429);
        assertThat(retryAfter(locked)).isBetween(31L, 60L);
    }

    @Test
    void g5_anUnknownEmailIsAnsweredExactlyLikeAKnownOne_soNeitherMessageNorLockRevealsWhoExists() {
        Scenario s = Scenario.newWorkspace("g5-unknown");
        String unknown = "nobody-" + s.workspaceId + "@example.com";
        for (int i = 1; i <= 5; i++) {
            String known = attempt(s, s.ownerEmail, WRONG, "203.0.113." + i).then().statusCode(401).extract().path("detail");
            String other = attempt(s, unknown, WRONG, "203.0.113." + (100 + i)).then().statusCode(401).extract().path("detail");
            assertThat(other).isEqualTo(known);
        }
        attempt(s, s.ownerEmail, WRONG, "203.0.113.6").then().statusCode(429).body("code", equalTo("too_many_attempts"));
        attempt(s, unknown, WRONG, "203.0.113.106").then().statusCode(429).body("code", equalTo("too_many_attempts"));
    }

    @Test
    void g5_oneAddressGuessingManyAccountsIsLockedToo() {
        Scenario s = Scenario.newWorkspace("g5-address");
        for (int i = 1; i <= 5; i++) {
            attempt(s, "guess" + i + "@example.com", WRONG, "198.18.0.1").then().statusCode(401);
        }
        attempt(s, "guess6@example.com", WRONG, "198.18.0.1").then().statusCode(429).body("code", equalTo("too_many_attempts"));
        attempt(s, s.ownerEmail, s.ownerPassword, "198.18.0.1").then().statusCode(429);
        // the account itself is not locked: its owner signs in from elsewhere
        attempt(s, s.ownerEmail, s.ownerPassword, "198.18.0.2").then().statusCode(200);
    }
}
