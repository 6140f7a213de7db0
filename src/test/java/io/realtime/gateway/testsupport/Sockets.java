package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** What the raw test clients do to their socket alike. */
final class Sockets {

    private Sockets() {
    }

    /** Drops the connection with a TCP reset, as a client that crashed or lost its network does. */
    static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Reads whatever arrives within the timeout (at least one byte unless it times out); -1 at the end. */
    static int readSome(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return socket.getInputStream().read(new byte[8192]);
        } catch (SocketTimeoutException e) {
            return 0;
        }
    }
}
