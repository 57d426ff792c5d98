package dev.jitprov.eventstore;

import jakarta.enterprise.context.ApplicationScoped;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of event types: payload record class to its stable, versioned name ({@code user.provisioned.v1})
 * and back. A name is never reused for another shape; a breaking change gets a new version.
 */
@ApplicationScoped
public class EventTypes {

    private final Map<Class<?>, String> names = new ConcurrentHashMap<>();
    private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

    /** Registers a payload class under the name held by its {@code public static final String TYPE}. */
    public void register(Class<?> payloadClass) {
        register(payloadClass, typeConstantOf(payloadClass));
    }

    public void register(Class<?> payloadClass, String typeName) {
        if (!typeName.matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9_-]*)*\\.v[0-9]+")) {
            throw new IllegalArgumentException("event type name '" + typeName + "' must look like 'user.provisioned.v1'");
        }
        Class<?> previous = classes.putIfAbsent(typeName, payloadClass);
        if (previous != null && previous != payloadClass) {
            throw new IllegalStateException("event type " + typeName + " is already registered for " + previous.getName());
        }
        names.put(payloadClass, typeName);
    }

    public String nameOf(Class<?> payloadClass) {
        String name = names.get(payloadClass);
        if (name == null) {
            throw new UnknownEventTypeException("no event type is registered for " + payloadClass.getName()
                    + "; register it in EventTypes before appending");
        }
        return name;
    }

    public Optional<Class<?>> classOf(String typeName) {
        return Optional.ofNullable(classes.get(typeName));
    }

    public Map<String, Class<?>> all() {
        return Map.copyOf(classes);
    }

    private static String typeConstantOf(Class<?> payloadClass) {
        try {
            Field field = payloadClass.getField("TYPE");
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
                throw new IllegalArgumentException(payloadClass.getName() + ".TYPE must be a static String");
            }
            return (String) field.get(null);
        } catch (NoSuchFieldException | IllegalAccessException e) {
            throw new IllegalArgumentException(payloadClass.getName() + " has no public static final String TYPE", e);
        }
    }
}
