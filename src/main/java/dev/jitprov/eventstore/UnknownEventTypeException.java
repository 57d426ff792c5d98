package dev.jitprov.eventstore;

/** A payload whose class has no registered event type name: nothing is written. */
public class UnknownEventTypeException extends IllegalArgumentException {

    public UnknownEventTypeException(String message) {
        super(message);
    }
}
