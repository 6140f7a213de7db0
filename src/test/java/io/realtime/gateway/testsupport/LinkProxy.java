package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tests' one fault proxy: a loopback TCP relay in front of a server (Redis) whose link the test
 * cuts and restores, or wedges. While cut, every relayed connection is reset (RST, as a lost route or a
 * restarted middlebox does) and new ones are accepted and dropped at once, so the client sees its
 * reconnects fail until {@link #restore()}; the server behind stays up and keeps its data. While
 * {@linkplain #wedgeSubscribers() wedged}, every connection that sent a (S)SUBSCRIBE stops forwarding in
 * both directions yet stays open (a half-dead peer: no FIN, no RST, just silence), new ones included,
 * while command connections go on working: the stuck subscriber of centrifugo#1189 (publishes
 * succeed, nothing arrives). While {@linkplain #holdAnswersTo answers are held}, a connection that sends
 * a command naming a given text (a channel) passes it to the server but gets nothing back: a cut then
 * loses the answer to a command the server ran.
 */
public final class LinkProxy implements AutoCloseable {

    private final int targetPort;
    private final ServerSocket server;
    private final List<Relay> relays = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile boolean wedged;
    private volatile byte[] holdMarker;
    private volatile boolean closed;

    public LinkProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "link-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Resets every relayed connection and refuses new ones until {@link #restore()}; held answers are lost. */
    public void cut() {
        cut = true;
        relays.forEach(Relay::reset);
        holdMarker = null;
    }

    /** Ends a cut; answers still held are let through. */
    public void restore() {
        cut = false;
        holdMarker = null;
        relays.forEach(r -> r.holding = false);
    }

    /**
     * From now until {@link #cut()} or {@link #restore()}, a connection that sends a command
     * containing {@code text} gets no more bytes back; the command itself reaches the server.
     */
    public void holdAnswersTo(String text) {
        holdMarker = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Resets only the connections that hold an answer back (the answers are lost) and holds no more:
     * the link stays up, and a client that sends the same command again on a new connection is answered.
     */
    public void dropHeldAnswers() {
        holdMarker = null;
        relays.stream().filter(r -> r.holding).forEach(Relay::reset);
    }

    /** Wedges every subscriber connection, present and future, until {@link #releaseSubscribers()}. */
    public void wedgeSubscribers() {
        wedged = true;
    }

    public void releaseSubscribers() {
        wedged = false;
    }

    /** Connections relayed right now. */
    public int open() {
        return relays.size();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (cut) {
                resetQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Relay relay = new Relay(client, upstream);
                relays.add(relay);
                relay.start();
            } catch (IOException e) {
                resetQuietly(client); // the server behind is down: so is the link
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        wedged = false; // lets a held pump go and end
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        relays.forEach(Relay::reset);
    }

    private static void resetQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // gone already
        }
    }

    private static final byte[] SUBSCRIBE = "SUBSCRIBE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final class Relay {
        private final Socket client;
        private final Socket upstream;
        private volatile boolean subscriber;
        private volatile boolean holding;

        Relay(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() throws IOException {
            pump(client.getInputStream(), upstream.getOutputStream(), true);
            pump(upstream.getInputStream(), client.getOutputStream(), false);
        }

        private boolean frozen() {
            return subscriber && wedged;
        }

        private void pump(InputStream in, OutputStream out, boolean fromClient) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16384];
                try {
                    for (int n; (n = in.read(buf)) != -1; ) {
                        if (fromClient && !subscriber && contains(buf, n, SUBSCRIBE)) {
                            subscriber = true;
                        }
                        byte[] marker = holdMarker;
                        if (fromClient && marker != null && contains(buf, n, marker)) {
                            holding = true; // before the command goes on, so that its answer cannot slip back
                        }
                        while (frozen() || (!fromClient && holding)) {
                            Thread.sleep(50); // hold the bytes: the peer hears nothing, and nothing closes
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // the relay ends with either side
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (!frozen()) {
                        reset();
                    }
                }
            }, "link-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private static boolean contains(byte[] buf, int n, byte[] word) {
            outer:
            for (int i = 0; i + word.length <= n; i++) {
                for (int j = 0; j < word.length; j++) {
                    if (buf[i + j] != word[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }

        void reset() {
            relays.remove(this);
            resetQuietly(client);
            resetQuietly(upstream);
        }
    }
}
