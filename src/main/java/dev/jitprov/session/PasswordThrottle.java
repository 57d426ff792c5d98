package dev.jitprov.session;

import dev.jitprov.provisioning.Lockouts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
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
    private final java.time.Clock clock;

    public PasswordThrottle(Pool pool, Config config, MeterRegistry registry, java.time.Clock clock) {
        this.clock = clock;
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

    /** The outcome of {@link #reserve}: go ahead (the attempt is already counted as a failure), or wait. */
    public sealed interface Reservation {
    }

    public record Reserved() implements Reservation {
    }

    public record Locked(Duration retryAfter) implements Reservation {
    }

    /**
     * Counts this attempt as a failure of both keys before its password is checked, in one transaction holding
     * their rows: a key already locked refuses it untouched; a key reaching its limit is locked right now, before
     * the bcrypt. So concurrent attempts (any replica) get at most {@code max-failures} bcrypts, then one per lock
     * expiry, never a burst. {@link #succeeded} undoes the count of an attempt whose password was right.
     */
    public Uni<Reservation> reserve(String accountKey, String addressKey, Instant now) {
        List<String> keys = keys(accountKey, addressKey);
        String[] sorted = keys.stream().sorted().toArray(String[]::new);
        return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO sign_in_throttle (throttle_key, failures, last_failure_at) "
                                + "SELECT unnest($1::text[]), 0, $2 ON CONFLICT (throttle_key) DO NOTHING")
                        .execute(Tuple.of(sorted, utc(now)))
                        .flatMap(ignored -> conn.preparedQuery("SELECT throttle_key, failures, last_failure_at, locked_until FROM sign_in_throttle "
                                + "WHERE throttle_key = ANY($1) ORDER BY throttle_key FOR UPDATE").execute(Tuple.of(sorted)))
                        .flatMap(rows -> {
                            Instant lockedUntil = null;
                            for (var row : rows) {
                                OffsetDateTime until = row.getOffsetDateTime("locked_until");
                                if (until != null && until.toInstant().isAfter(now) && (lockedUntil == null || until.toInstant().isAfter(lockedUntil))) {
                                    lockedUntil = until.toInstant();
                                }
                            }
                            if (lockedUntil != null) {
                                return Uni.createFrom().item((Reservation) new Locked(Duration.between(now, lockedUntil)));
                            }
                            List<Tuple> updates = new ArrayList<>();
                            for (var row : rows) {
                                String key = row.getString("throttle_key");
                                boolean forgotten = row.getOffsetDateTime("last_failure_at").toInstant().isBefore(now.minus(config.forgetAfter()));
                                int failures = (forgotten ? 0 : row.getInteger("failures")) + 1;
                                int limit = key.equals(accountKey) ? config.maxFailures() : config.addressMaxFailures();
                                Instant lock = failures >= limit ? now.plus(Lockouts.doubling(config.firstLock(), failures - limit, config.maxLock())) : null;
                                if (lock != null) {
                                    LOG.infof("password sign-in throttled: key=%s failures=%d locked until %s", key, failures, lock);
                                }
                                updates.add(Tuple.of(key, failures, utc(now), lock == null ? null : utc(lock)));
                            }
                            return conn.preparedQuery("UPDATE sign_in_throttle SET failures = $2, last_failure_at = $3, locked_until = $4 WHERE throttle_key = $1")
                                    .executeBatch(updates).replaceWith((Reservation) new Reserved());
                        }));
    }

    /** Counts a bcrypt verification (the metric shows that locked attempts spend none). */
    public void checked() {
        passwordChecks.increment();
    }

    /**
     * The password was right: the account's failures are forgotten; the address keeps its earlier ones (it may be
     * guessing other accounts) but not this attempt's, nor a lock this attempt set.
     */
    public Uni<Void> succeeded(String accountKey, String addressKey) {
        Uni<Void> account = pool.preparedQuery("DELETE FROM sign_in_throttle WHERE throttle_key = $1").execute(Tuple.of(accountKey)).replaceWithVoid();
        return addressKey == null ? account : account.flatMap(ignored -> pool.preparedQuery(
                        "UPDATE sign_in_throttle SET failures = greatest(failures - 1, 0), "
                                + "locked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE locked_until END WHERE throttle_key = $1")
                .execute(Tuple.of(addressKey, config.addressMaxFailures())).replaceWithVoid());
    }

    /** Rows whose failures are forgotten and whose lock is over go (every e-mail ever tried would stay otherwise). */
    @dev.jitprov.replica.DrainedAtShutdown
    @Scheduled(skipExecutionIf = dev.jitprov.replica.RoleSkips.UnlessApi.class, every = "10m", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetOld() {
        Instant now = clock.instant();
        return pool.preparedQuery("DELETE FROM sign_in_throttle WHERE last_failure_at < $1 AND (locked_until IS NULL OR locked_until < $2)")
                .execute(Tuple.of(utc(now.minus(config.forgetAfter())), utc(now))).replaceWithVoid();
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
