package dev.jitprov.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free TCP ports for the processes tests start (PostgreSQL, Kafka, SMTP, the packaged service). */
public final class Ports {

    private Ports() {
    }

    /** Ports this JVM handed out already: the OS may offer a port again as soon as the probe closed it. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port free right now (the OS picks it) and not handed out before by this JVM: LocalRunIT once got the same port
     * for PostgreSQL and SMTP from two calls in a row. Several test runs may share the machine.
     */
    public static int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port that was not handed out before in 100 attempts");
    }
}
