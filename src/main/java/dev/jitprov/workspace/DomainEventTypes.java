package dev.jitprov.workspace;

import dev.jitprov.eventstore.EventTypes;
import dev.jitprov.provisioning.LoginRejected;
import dev.jitprov.provisioning.MemberEvent;
import dev.jitprov.provisioning.WorkspaceEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Registers every domain event record under its versioned type name before anything is appended. */
@Startup
@ApplicationScoped
public class DomainEventTypes {

    private final EventTypes types;

    public DomainEventTypes(EventTypes types) {
        this.types = types;
    }

    @PostConstruct
    void register() {
        all().forEach(types::register);
    }

    public static List<Class<?>> all() {
        List<Class<?>> classes = new ArrayList<>();
        classes.addAll(List.of(WorkspaceEvent.class.getPermittedSubclasses()));
        classes.addAll(List.of(MemberEvent.class.getPermittedSubclasses()));
        classes.add(LoginRejected.class);
        return classes;
    }
}
