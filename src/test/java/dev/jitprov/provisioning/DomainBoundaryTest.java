package dev.jitprov.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Domain boundary")
class DomainBoundaryTest {

    @Nested
    class WhenReadingTheSources {

        @Test
        @DisplayName("the domain imports nothing but java.* (no Quarkus, Mutiny, Jackson, Panache, Vert.x, OpenSAML)")
        void importsOnlyJava() throws IOException {
            Path dir = Path.of("src/main/java/dev/jitprov/provisioning");
            try (Stream<Path> files = Files.list(dir)) {
                List<String> offending = new ArrayList<>();
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    for (String line : Files.readAllLines(f)) {
                        String l = line.strip();
                        if (l.startsWith("import ") && !l.matches("import (static )?(java\\.|dev\\.jitprov\\.provisioning\\.).*")) {
                            offending.add(f.getFileName() + ": " + l);
                        }
                    }
                }
                assertThat(offending).isEmpty();
            }
        }
    }

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
            assertThat(types).hasSize(26).doesNotHaveDuplicates().allMatch(t -> t.matches("[a-z-]+(\\.[a-z-]+)*\\.v\\d+"));
        }
    }
}
