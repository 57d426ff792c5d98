package dev.jitprov.members;

import dev.jitprov.eventstore.EventMetadata;
import dev.jitprov.eventstore.EventStore;
import dev.jitprov.eventstore.NewEvent;
import dev.jitprov.provisioning.LoginRejected;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** A rejected sign-in is its own one-event stream: no contention, and it never touches a member's stream. */
@ApplicationScoped
public class SignInRejections {

    private final EventStore store;

    public SignInRejections(EventStore store) {
        this.store = store;
    }

    public Uni<Void> record(LoginRejected rejection, EventMetadata metadata) {
        return store.append("rejection-" + metadata.workspaceId() + "-" + UUID.randomUUID(), 0,
                List.of(new NewEvent(UUID.randomUUID(), rejection, metadata, rejection.at()))).replaceWithVoid();
    }
}
