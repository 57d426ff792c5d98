package dev.jitprov.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * G5 (docs/security.md): password sign-in is throttled per account (workspace and e-mail, known or not) and per
 * client address. After {@code max-failures} consecutive failures a key is locked for {@code first-lock}, doubling
 * with every further failure up to {@code max-lock}; a locked key is refused before any bcrypt is spent. State lives
 * in PostgreSQL so every replica sees the same counts.
 */
@ApplicationScoped
public class PasswordThrottle {

    private static final Logger LOG = Logger.getLogger(PasswordThrottle.class);

    @ConfigMapping(prefix = "jit.password-throttle")
    public interface Config {
        /** Consecutive failures of one account (workspace + e-mail) before it is locked. */
        @WithDefault("5")
        int maxFailures();

        /** Consecutive failures from one client address (any account) before it is locked. */
        @WithDefault("5")
        int addressMaxFailures();

        /** The first lock; each further failure doubles it. */
        @WithDefault("PT30S")
        Duration firstLock();

        /** The longest lock. */
        @WithDefault("PT15M")
        Duration maxLock();

        /** A key's failures are forgotten after this long without one. */
        @WithDefault("PT1H")
        Duration forgetAfter();
    }

    private final Pool pool;
    private final Config config;
    private final Counter passwordChecks;

    public PasswordThrottle(Pool pool, Config config, MeterRegistry registry) {
        this.pool = pool;
        this.config = config;
        this.passwordChecks = Counter.builder("jit.password.checks")
                .description("bcrypt verifications of password sign-ins (a throttled attempt spends none)").register(registry);
    }

    public static String accountKey(String workspaceId, String memberKey) {
        return "account:" + workspaceId + "/" + memberKey;
    }

    public static String addressKey(String clientAddress) {
        return clientAddress == null ? null : "address:" + clientAddress;
    }

    /** How long until the first of these keys that is locked opens again; empty when none is locked. */
    public Uni<Optional<Duration>> lockedFor(String accountKey, String addressKey, Instant now) {
        return pool.preparedQuery("SELECT max(locked_until) AS until FROM sign_in_throttle WHERE throttle_key = ANY($1) AND locked_until > $2")
                .execute(Tuple.of(keys(accountKey, addressKey).toArray(String[]::new), utc(now)))
                .map(rows -> {
                    OffsetDateTime until = rows.iterator().next().getOffsetDateTime("until");
                    return until == null ? Optional.empty() : Optional.of(Duration.between(now, until.toInstant()));
                });
    }

    /** Counts a bcrypt verification (the metric shows that locked attempts spend none). */
    public void checked() {
        passwordChecks.increment();
    }

    /** A wrong password (or unknown e-mail): counts against both keys and locks those at their limit. */
    public Uni<Void> failed(String accountKey, String addressKey, Instant now) {
        Uni<Void> account = count(accountKey, config.maxFailures(), now);
        return addressKey == null ? account : account.flatMap(ignored -> count(addressKey, config.addressMaxFailures(), now));
    }

    /** The account signed in: its failures are forgotten (the address's are not: it may be guessing other accounts). */
    public Uni<Void> succeeded(String accountKey) {
        return pool.preparedQuery("DELETE FROM sign_in_throttle WHERE throttle_key = $1").execute(Tuple.of(accountKey)).replaceWithVoid();
    }

    private Uni<Void> count(String key, int limit, Instant now) {
        return pool.preparedQuery("INSERT INTO sign_in_throttle AS t (throttle_key, failures, last_failure_at) VALUES ($1, 1, $2) "
                        + "ON CONFLICT (throttle_key) DO UPDATE SET failures = CASE WHEN t.last_failure_at < $3 THEN 1 ELSE t.failures + 1 END, "
                        + "last_failure_at = $2 RETURNING failures")
                .execute(Tuple.of(key, utc(now), utc(now.minus(config.forgetAfter()))))
                .flatMap(rows -> {
                    int failures = rows.iterator().next().getInteger("failures");
                    if (failures < limit) {
                        return Uni.createFrom().voidItem();
                    }
                    Duration lock = lockAfter(failures - limit);
                    LOG.infof("password sign-in throttled: key=%s failures=%d locked for %s", key, failures, lock);
                    return pool.preparedQuery("UPDATE sign_in_throttle SET locked_until = $2 WHERE throttle_key = $1")
                            .execute(Tuple.of(key, utc(now.plus(lock)))).replaceWithVoid();
                });
    }

    /** first-lock × 2^beyond, at most max-lock. */
    Duration lockAfter(int beyondLimit) {
        Duration lock = config.firstLock();
        for (int i = 0; i < beyondLimit && lock.compareTo(config.maxLock()) < 0; i++) {
            lock = lock.multipliedBy(2);
        }
        return lock.compareTo(config.maxLock()) > 0 ? config.maxLock() : lock;
    }

    private static List<String> keys(String accountKey, String addressKey) {
        List<String> keys = new ArrayList<>();
        keys.add(accountKey);
        if (addressKey != null) {
            keys.add(addressKey);
        }
        return keys;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
