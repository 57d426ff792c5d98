package dev.jitprov.background;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitprov.eventstore.CloudEventEnvelope;
import dev.jitprov.expiry.DeadlineRecorder;
import dev.jitprov.notification.AdminNotifier;
import dev.jitprov.projection.ProjectionConsumers;
import dev.jitprov.replica.DrainedAtShutdown;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * The topic's consumers of a replica that runs all of them (roles projector, notifier and expirer: the local run, a
 * single-Deployment install), on one channel and one consumer group ({@code jit-background}, ADR 0016): each record
 * is fetched and parsed once and handed to the projections, the admin notifier and the deadline recorder at once.
 * Each of them applies the poll in its own transactions, with its own {@code processed_events} rows, exactly as on its
 * own channel; the poll's offsets are committed, and the next poll handed over, when all of them are done, so per-key
 * order holds for each.
 *
 * <p>A replica that runs only some of these roles uses their own channels ({@code projections},
 * {@code notification-events}, {@code expiry-events}) instead; {@link dev.jitprov.replica.RoleChannels} switches
 * between the two.
 */
@ApplicationScoped
public class BackgroundConsumers {

    public static final String CHANNEL = "background-events";

    private static final Logger LOG = Logger.getLogger(BackgroundConsumers.class);

    private final ProjectionConsumers projections;
    private final AdminNotifier notifier;
    private final DeadlineRecorder deadlines;
    private final ObjectMapper json;

    public BackgroundConsumers(ProjectionConsumers projections, AdminNotifier notifier, DeadlineRecorder deadlines, ObjectMapper json) {
        this.projections = projections;
        this.notifier = notifier;
        this.deadlines = deadlines;
        this.json = json;
    }

    /**
     * Never fails: each consumer retries what fails transiently and skips what it cannot read on its own. A consumer
     * that waits (a projection being rebuilt, the database away) holds the poll for all of them.
     */
    @DrainedAtShutdown(DrainedAtShutdown.WhenStopping.HOLD)
    @Incoming(CHANNEL)
    public Uni<Void> all(List<String> records) {
        List<CloudEventEnvelope> envelopes = CloudEventEnvelope.parseAll(json, records,
                reason -> LOG.warnf("background consumers: skipping a record that is not a CloudEvents envelope: %s", reason));
        return Uni.join().all(projections.applyEnvelopes(envelopes), notifier.consumeEnvelopes(envelopes), deadlines.consumeEnvelopes(envelopes))
                .andCollectFailures().replaceWithVoid();
    }
}
