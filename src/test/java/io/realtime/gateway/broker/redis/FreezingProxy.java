package io.realtime.gateway.broker.redis;

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
 * A TCP relay in front of Redis that can wedge subscriber connections: while
 * {@link #wedgeSubscribers} is on, every connection that sent a (S)SUBSCRIBE stops forwarding in both
 * directions yet stays open (a half-dead peer: no FIN, no RST, just silence), including new ones,
 * while command connections go on working. That is the stuck subscriber of centrifugo#1189: publishes
 * succeed, nothing arrives.
 */
final class FreezingProxy implements AutoCloseable {

    private final int targetPort;
    private final ServerSocket server;
    private final List<Relay> relays = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    FreezingProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "freezing-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    private volatile boolean wedged;

    /** Wedges every subscriber connection, present and future, until {@link #releaseSubscribers}. */
    void wedgeSubscribers() {
        wedged = true;
    }

    void releaseSubscribers() {
        wedged = false;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Relay relay = new Relay(client, upstream);
                relays.add(relay);
                relay.start();
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        relays.forEach(Relay::close);
    }

    private static final byte[] SUBSCRIBE = "SUBSCRIBE".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final class Relay {
        final Socket client;
        final Socket upstream;
        volatile boolean subscriber;

        Relay(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() throws IOException {
            pump(client.getInputStream(), upstream.getOutputStream(), true);
            pump(upstream.getInputStream(), client.getOutputStream(), false);
        }

        boolean frozen() {
            return subscriber && wedged;
        }

        private void pump(InputStream in, OutputStream out, boolean fromClient) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) != -1; ) {
                        if (fromClient && !subscriber && contains(buf, n, SUBSCRIBE)) {
                            subscriber = true;
                        }
                        while (frozen()) {
                            Thread.sleep(50); // hold the bytes: the peer hears nothing, and nothing closes
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the relay ends with either side
                } finally {
                    if (!frozen()) {
                        close();
                    }
                }
            }, "freezing-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private boolean contains(byte[] buf, int n, byte[] word) {
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

        void close() {
            try {
                client.close();
            } catch (IOException e) {
                // closing anyway
            }
            try {
                upstream.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
