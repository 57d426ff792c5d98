package dev.jitprov.support;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An instance of any record of the domain with plain values in every component (text "x", 0, false, the epoch,
 * the first enum constant, empty collections, nested records built the same way), for tests that walk every case
 * of a sealed interface.
 */
public final class Instances {

    private Instances() {
    }

    public static <T> T of(Class<T> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = valueOf(components[i].getType());
        }
        try {
            Constructor<T> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getName(), e);
        }
    }

    /** Every permitted subclass of a sealed interface, each built with {@link #of}. */
    public static <T> List<T> ofEveryCase(Class<T> sealed) {
        List<T> all = new ArrayList<>();
        for (Class<?> permitted : sealed.getPermittedSubclasses()) {
            all.add(sealed.cast(of(permitted)));
        }
        return all;
    }

    /** A plain value of {@code type}; null for anything else (a domain record has no other component types). */
    private static Object valueOf(Class<?> type) {
        if (type == String.class) {
            return "x";
        } else if (type == int.class || type == Integer.class) {
            return 0;
        } else if (type == long.class || type == Long.class) {
            return 0L;
        } else if (type == boolean.class || type == Boolean.class) {
            return false;
        } else if (type == Instant.class) {
            return Instant.EPOCH;
        } else if (type == Duration.class) {
            return Duration.ZERO;
        } else if (type == UUID.class) {
            return new UUID(0, 0);
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        } else if (List.class.isAssignableFrom(type)) {
            return List.of();
        } else if (Set.class.isAssignableFrom(type)) {
            return Set.of();
        } else if (Map.class.isAssignableFrom(type)) {
            return Map.of();
        } else if (type.isRecord()) {
            return of(type);
        }
        return null;
    }
}
