package dev.jitprov.saml;

import dev.jitprov.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The SAML tables that grow with every sign-in are emptied of what expired, and keep what has not. */
@QuarkusTest
@DisplayName("SAML housekeeping: expired replay-cache ids and IdP session rows are removed")
class SamlHousekeepingTest {

    @Inject
    ReplayCache replayCache;
    @Inject
    SingleLogout singleLogout;
    @Inject
    TestClock clock;
    @Inject
    Pool pool;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void spec4_11_expiredAssertionIdsLeaveTheReplayCacheAndLiveOnesStay() {
        Instant now = clock.instant();
        String expired = "_expired-" + UUID.randomUUID();
        String live = "_live-" + UUID.randomUUID();
        assertThat(replayCache.claim("housekeeping", expired, now.minus(Duration.ofHours(1))).await().indefinitely()).isTrue();
        assertThat(replayCache.claim("housekeeping", live, now.plus(Duration.ofHours(1))).await().indefinitely()).isTrue();

        replayCache.forgetExpired().await().indefinitely();

        assertThat(count("SELECT count(*) FROM saml_replay_cache WHERE assertion_id = $1", expired)).isZero();
        assertThat(count("SELECT count(*) FROM saml_replay_cache WHERE assertion_id = $1", live)).isOne();
    }

    @Test
    void issue19_idpSessionRowsLeaveADayAfterTheSignInAndNotBefore() {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        Instant now = clock.instant();
        insertSession(old, now.minusSeconds(1));
        insertSession(recent, now.plus(Duration.ofHours(23)));

        singleLogout.forgetExpiredSessions().await().indefinitely();

        assertThat(count("SELECT count(*) FROM saml_sessions WHERE session_id = $1", old)).isZero();
        assertThat(count("SELECT count(*) FROM saml_sessions WHERE session_id = $1", recent)).isOne();
    }

    private void insertSession(UUID id, Instant expiresAt) {
        pool.preparedQuery("INSERT INTO saml_sessions (session_id, workspace_id, member_key, name_id, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(id, "housekeeping", "ann@example.com", "ann@example.com", OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC)))
                .await().indefinitely();
    }

    private long count(String sql, Object id) {
        return pool.preparedQuery(sql).execute(Tuple.of(id)).await().indefinitely().iterator().next().getLong(0);
    }
}
