package io.realtime.gateway.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An SSE request over a bare socket, for clients no library models: one that never reads (its
 * receive window stays small and fills, so the server's writes back up) and one that simply goes
 * away. {@code Connection: close}, so the end of the stream is the end of the socket.
 */
public final class RawSse implements AutoCloseable {

    private final Socket socket;

    private RawSse(Socket socket) {
        this.socket = socket;
    }

    /** Sends the GET and returns without reading anything. */
    public static RawSse open(String host, int port, String pathAndQuery) throws IOException {
        Socket socket = new Socket();
        // Before connect, so the window the client advertises stays small.
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new RawSse(socket);
    }

    /** Reads until {@code marker} shows up in what arrived; returns all of it. */
    public String readUntil(String marker, Duration timeout) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("'" + marker + "' not received within " + timeout);
            }
            socket.setSoTimeout((int) Math.max(1, left));
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("stream ended before '" + marker + "' arrived");
            }
            seen.write(buf, 0, n);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    /**
     * Reads (and discards) everything until the server ends the stream; true if it did within the
     * timeout. A reset connection counts as ended too: either way the server let the client go.
     */
    public boolean readToEnd(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[65536];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the server
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Drops the connection with a TCP reset, as a client that crashed or lost its network does. */
    public void reset() throws IOException {
        Sockets.reset(socket);
    }

    /** Reads whatever arrives within the timeout (at least one byte unless it times out). */
    public int readSome(Duration timeout) throws IOException {
        return Sockets.readSome(socket, timeout);
    }
}
