package dev.jitprov.eventstore;

/** The stream moved on since it was read: the caller re-reads and decides again, or reports a conflict. */
public class ConcurrencyConflictException extends RuntimeException {

    private final String streamId;
    private final int expectedVersion;

    public ConcurrencyConflictException(String streamId, int expectedVersion, Integer actualVersion) {
        super("stream " + streamId + " expected at version " + expectedVersion
                + (actualVersion == null ? " but another writer appended concurrently" : " but is at version " + actualVersion));
        this.streamId = streamId;
        this.expectedVersion = expectedVersion;
    }

    public String streamId() {
        return streamId;
    }

    public int expectedVersion() {
        return expectedVersion;
    }
}
