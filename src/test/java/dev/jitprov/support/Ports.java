package dev.jitprov.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free TCP ports for the processes tests start (PostgreSQL, Kafka, SMTP, the packaged service). */
public final class Ports {

    private Ports() {
    }

    /** A port free right now (the OS picks it); several test runs may share the machine. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
