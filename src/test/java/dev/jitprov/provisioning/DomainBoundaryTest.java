package dev.jitprov.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Domain boundary")
class DomainBoundaryTest {

    // That the domain imports nothing but java.* is an ArchUnit rule now (architecture.ArchitectureTest).

    @Nested
    class WhenNamingEventTypes {

        @Test
        @DisplayName("R19: every event record has a unique, versioned TYPE name")
        void everyEventHasAVersionedType() throws Exception {
            List<Class<?>> events = new ArrayList<>();
            events.addAll(List.of(WorkspaceEvent.class.getPermittedSubclasses()));
            events.addAll(List.of(MemberEvent.class.getPermittedSubclasses()));
            events.add(LoginRejected.class);
            List<String> types = new ArrayList<>();
            for (Class<?> c : events) {
                assertThat(c.isRecord()).as(c.getName()).isTrue();
                Field f = c.getField("TYPE");
                assertThat(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())).isTrue();
                types.add((String) f.get(null));
            }
            assertThat(types).hasSize(35).doesNotHaveDuplicates().allMatch(t -> t.matches("[a-z-]+(\\.[a-z-]+)*\\.v\\d+"));
        }
    }
}
