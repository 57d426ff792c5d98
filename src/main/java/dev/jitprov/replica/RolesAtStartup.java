package dev.jitprov.replica;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Checks {@code jit.roles} when the replica starts (a typo fails the start) and logs what this replica runs. */
@ApplicationScoped
public class RolesAtStartup {

    private static final Logger LOG = Logger.getLogger(RolesAtStartup.class);

    void log(@Observes StartupEvent startup, RolesConfig roles) {
        LOG.infof("Roles of this replica: %s", roles.enabled());
    }
}
