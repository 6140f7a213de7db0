package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Free loopback ports for servers a test starts, and the wait until such a server listens. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A loopback port nothing listens on right now. */
    public static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until something accepts connections on the loopback port; fails at once, with what the
     * process left behind, if the process that should listen there exited.
     */
    public static void awaitListening(int port, Process server, Duration timeout, java.util.function.Supplier<String> why) {
        Await.until(timeout, "a server listening on " + port, () -> {
            if (!server.isAlive()) {
                throw new AssertionError("the server for port " + port + " exited: " + why.get());
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }
}
