package dev.jitprov.replica;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a replica stops (issue 22): the first thing on the shutdown event, before Quarkus closes the Kafka consumers
 * and the connection pools. New background work stops (the scheduler pauses; {@link DrainedAtShutdown} jobs are
 * skipped and consumer batches held; the relay loop stops, KafkaRelay), then the work already running is waited for,
 * at most {@code jit.shutdown.drain-timeout}. Only then do the consumers leave their groups (their partitions go to
 * the other replicas at once) and the pools close: nothing runs into a closed pool any more.
 */
@ApplicationScoped
public class BackgroundWork {

    private static final Logger LOG = Logger.getLogger(BackgroundWork.class);

    private final Scheduler scheduler;
    private final Duration drainTimeout;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;
    /** The same, for code outside CDI (a log filter: {@link ClosedConsumerPollAtShutdown}); one service per JVM. */
    private static volatile boolean stoppingNow;

    public BackgroundWork(Scheduler scheduler, @ConfigProperty(name = "jit.shutdown.drain-timeout") Duration drainTimeout) {
        this.scheduler = scheduler;
        this.drainTimeout = drainTimeout;
    }

    /** Whether this replica is stopping: no new background work starts. */
    public boolean stopping() {
        return stopping;
    }

    /** The work counts as in flight from its subscription to its end (item, failure or cancellation). */
    public <T> Uni<T> track(Uni<T> work) {
        return Uni.createFrom().deferred(() -> {
            inFlight.incrementAndGet();
            return work.onTermination().invoke(inFlight::decrementAndGet);
        });
    }

    static boolean stoppingNow() {
        return stoppingNow;
    }

    void drain(@Observes @Priority(1) ShutdownEvent shutdown) throws InterruptedException {
        stopping = true;
        stoppingNow = true;
        scheduler.pause();
        long start = System.nanoTime();
        long deadline = start + drainTimeout.toNanos();
        int running = inFlight.get();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        if (inFlight.get() > 0) {
            LOG.warnf("Stopping: %d background tasks still running after %d ms; closing anyway (their work is redone: every "
                    + "consumer and job is idempotent)", inFlight.get(), took);
        } else {
            LOG.infof("Stopping: background work paused, %d running tasks finished in %d ms", running, took);
        }
    }
}
