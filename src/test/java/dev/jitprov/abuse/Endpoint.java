package dev.jitprov.abuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A state-changing HTTP endpoint of the service, as its JAX-RS resources declare it ({@code POST /api/workspaces/{ws}/tokens}).
 * The list is read from the compiled resources at test time, so an endpoint added later is in every abuse case's
 * list at once, and fails the abuse suite until each attacker's refusal for it is written down.
 */
record Endpoint(String method, String path) implements Comparable<Endpoint> {

    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** {@code "POST /api/workspaces/{ws}/tokens"}. */
    String key() {
        return method + " " + path;
    }

    @Override
    public String toString() {
        return key();
    }

    /** Logout last: for an attacker with a session it ends that session, which the other calls still use. */
    @Override
    public int compareTo(Endpoint other) {
        return Comparator.comparing((Endpoint e) -> e.path().equals("/logout")).thenComparing(Endpoint::path).thenComparing(Endpoint::method)
                .compare(this, other);
    }

    /** Every POST, PUT, PATCH and DELETE of every JAX-RS resource under {@code dev.jitprov}. */
    static List<Endpoint> stateChanging() {
        Path classes = classesRoot();
        Set<Endpoint> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes.resolve("dev/jitprov"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, Endpoint.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                String root = pathOf(type.getAnnotations());
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    for (Annotation annotation : method.getAnnotations()) {
                        String http = annotation.annotationType().getSimpleName();
                        if (STATE_CHANGING.contains(http) && annotation.annotationType().getPackageName().equals("jakarta.ws.rs")) {
                            String sub = pathOf(method.getAnnotations());
                            found.add(new Endpoint(http, join(root, sub)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(found);
    }

    private static Path classesRoot() {
        try {
            // the service's compiled classes (target/classes), where the resources live
            return Paths.get(dev.jitprov.web.saml.AcsResource.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pathOf(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getName().equals("jakarta.ws.rs.Path")) {
                try {
                    return (String) annotation.annotationType().getMethod("value").invoke(annotation);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return null;
    }

    private static String join(String root, String sub) {
        String path = ("/" + root + "/" + (sub == null ? "" : sub)).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
