package dev.jitprov.saml;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * G10 (docs/security.md): anyone can POST to an ACS. What fails before a signature verified proves nothing about
 * the workspace's IdP, so it is not appended to the event store (that would let anyone grow the log and the audit
 * view at will): it is counted ({@code jit.saml.unverified.rejections}, by code), logged, and each client address
 * may fail so at most {@code max-per-address} times a {@code window} before it is answered 429 without any parsing.
 * The inspector's "last rejected" sample (R20) takes such a response at most once per {@code sample-every} per
 * workspace, so a misconfigured certificate can still be diagnosed.
 *
 * <p>The counts are per replica and in memory: they bound the work one replica does for junk, they are not an
 * audit record. Responses whose signature verified are rejected with a {@code LoginRejected} event as before.
 */
@ApplicationScoped
public class AcsGuard {

    private static final Logger LOG = Logger.getLogger(AcsGuard.class);
    /** Beyond this many tracked addresses, expired windows are swept (at most once a second). */
    private static final int SWEEP_AT = 10_000;
    /** Never more than this many: a flood from ever new addresses empties the table rather than the heap. */
    private static final int MAX_TRACKED = 200_000;

    @ConfigMapping(prefix = "jit.saml.unverified")
    public interface Config {
        /** Unverified failures one client address may cause per window before its ACS posts are refused. */
        @WithDefault("20")
        int maxPerAddress();

        @WithDefault("PT1M")
        Duration window();

        /** At most one unverified response per workspace per this period becomes the inspector's sample. */
        @WithDefault("PT10S")
        Duration sampleEvery();
    }

    private record Window(Instant start, int failures) {
    }

    private final Config config;
    private final MeterRegistry registry;
    private final Counter throttled;
    private final Map<String, Window> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastSample = new ConcurrentHashMap<>();
    private volatile Instant lastSweep = Instant.EPOCH;

    public AcsGuard(Config config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.throttled = Counter.builder("jit.saml.unverified.throttled")
                .description("ACS posts refused (429) because their address sent too many unverifiable responses").register(registry);
    }

    /** How long {@code address} must wait, when it used up its failures of the current window. */
    public Optional<Duration> blocked(String address, Instant now) {
        Window window = byAddress.get(key(address));
        if (window == null || window.failures() < config.maxPerAddress() || !now.isBefore(window.start().plus(config.window()))) {
            return Optional.empty();
        }
        throttled.increment();
        return Optional.of(Duration.between(now, window.start().plus(config.window())));
    }

    /** An ACS post from {@code address} failed before any signature verified: counted in the metric and against it. */
    public void failed(String address, String workspaceId, String code, Instant now) {
        registry.counter("jit.saml.unverified.rejections", "code", code).increment();
        count(address, workspaceId, code, now);
    }

    /**
     * A response the IdP did sign was refused (expired, replayed, unknown user…): audited as an event, and counted
     * against the address too, so replaying one's own response cannot write events without bound.
     */
    public void refused(String address, String workspaceId, String code, Instant now) {
        count(address, workspaceId, code, now);
    }

    private void count(String address, String workspaceId, String code, Instant now) {
        if (byAddress.size() >= SWEEP_AT && now.isAfter(lastSweep.plusSeconds(1))) {
            lastSweep = now;
            byAddress.values().removeIf(w -> !now.isBefore(w.start().plus(config.window())));
            if (byAddress.size() >= MAX_TRACKED) {
                LOG.warnf("ACS: %d addresses sent unverifiable responses within %s; forgetting them all", byAddress.size(), config.window());
                byAddress.clear();
            }
        }
        Window window = byAddress.merge(key(address), new Window(now, 1), (old, fresh) ->
                now.isBefore(old.start().plus(config.window())) ? new Window(old.start(), old.failures() + 1) : fresh);
        if (window.failures() == config.maxPerAddress()) {
            LOG.warnf("ACS: address %s sent %d unverifiable responses within %s (last for workspace %s, code %s); refusing it until %s",
                    address, window.failures(), config.window(), workspaceId, code, window.start().plus(config.window()));
        }
    }

    /** Whether an unverified response of {@code workspaceId} may replace the inspector's sample now. */
    public boolean sampleDue(String workspaceId, Instant now) {
        Instant[] due = {null};
        lastSample.compute(workspaceId, (ws, last) -> {
            if (last == null || !now.isBefore(last.plus(config.sampleEvery()))) {
                due[0] = now;
                return now;
            }
            return last;
        });
        return due[0] != null;
    }

    /** An IPv4 address, or the /64 of an IPv6 one (a single client easily holds a whole /64). */
    static String key(String address) {
        if (address == null) {
            return "unknown";
        }
        if (address.indexOf(':') >= 0) {
            inet.ipaddr.IPAddress parsed = new inet.ipaddr.IPAddressString(address).getAddress();
            if (parsed != null && parsed.isIPv6()) {
                return parsed.toPrefixBlock(64).toCanonicalString();
            }
        }
        return address;
    }
}
