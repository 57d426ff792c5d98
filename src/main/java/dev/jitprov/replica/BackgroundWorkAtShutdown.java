package dev.jitprov.replica;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The first thing a stopping replica does: no scheduled job (expiry scan, mail sender, lag refresh, cleanups) starts
 * any more. Without it a job fired between the shutdown signal and the close of the datasource logged
 * "Pool closed" errors, and the process waited for it. The relay loop stops on the same event (KafkaRelay).
 */
@ApplicationScoped
public class BackgroundWorkAtShutdown {

    private static final Logger LOG = Logger.getLogger(BackgroundWorkAtShutdown.class);

    private final Scheduler scheduler;

    public BackgroundWorkAtShutdown(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    void pause(@Observes @Priority(1) ShutdownEvent shutdown) {
        scheduler.pause();
        LOG.info("Stopping: scheduled jobs paused");
    }
}
