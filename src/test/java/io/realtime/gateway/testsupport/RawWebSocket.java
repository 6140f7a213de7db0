package io.realtime.gateway.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * A WebSocket client over a bare socket (RFC 6455), for what the JDK client will not do: never
 * read (so the server's frames back up), never answer a ping. It reads only when told to.
 */
public final class RawWebSocket implements AutoCloseable {

    /** One frame from the server: its opcode and payload. */
    public record Frame(int opcode, byte[] payload) {
        public static final int TEXT = 0x1;
        public static final int CLOSE = 0x8;
        public static final int PING = 0x9;

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 when it carries none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens the socket with a small receive window and completes the opening handshake. */
    public static RawWebSocket connect(String host, int port, String path) throws IOException {
        return connect(host, port, path, java.util.Map.of());
    }

    /**
     * The same with more handshake headers ({@code Origin}, {@code Cookie}); {@code path} is sent as
     * given, unnormalised ({@code //ws/}, {@code /./ws/}).
     *
     * @throws IOException "handshake refused: " and the answer's head when it is not 101
     */
    public static RawWebSocket connect(String host, int port, String path, java.util.Map<String, String> headers)
            throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n";
        StringBuilder more = new StringBuilder();
        headers.forEach((k, v) -> more.append(k).append(": ").append(v).append("\r\n"));
        request = request + more + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        RawWebSocket ws = new RawWebSocket(socket);
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + head);
        }
        return ws;
    }

    /** Sends a close frame with the code and reason the client chooses. */
    public void sendClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + r.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, r.length);
        sendFrame(true, Frame.CLOSE, new String(payload, StandardCharsets.ISO_8859_1), true);
    }

    /** Sends a text frame, masked as a client must. */
    public void sendText(String text) throws IOException {
        sendFrame(true, Frame.TEXT, text);
    }

    /**
     * Sends one frame of a fragmented text message: the first with opcode text, the rest as
     * continuations, {@code last} on the final one.
     */
    public void sendFragment(String part, boolean first, boolean last) throws IOException {
        sendFrame(last, first ? Frame.TEXT : 0x0, part);
    }

    private void sendFrame(boolean fin, int opcode, String text) throws IOException {
        sendFrame(fin, opcode, text, false);
    }

    /** @param latin1 the text is bytes as ISO-8859-1 chars (a close frame's binary code), not UTF-8 */
    private void sendFrame(boolean fin, int opcode, String text, boolean latin1) throws IOException {
        byte[] payload = text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (((long) payload.length >>> shift) & 0xff));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next frame (pings included, never answered), or null when the socket ended. */
    public Frame next(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if ((b1 & 0x80) != 0) {
                in.readInt(); // servers do not mask, but skip a mask if one came
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            return new Frame(b0 & 0x0f, payload);
        } catch (EOFException e) {
            return null;
        }
    }

    /**
     * Reads frames until a close frame arrives; returns it, or null if the socket ended (or was
     * reset) without one. Fails if neither happened within the timeout.
     */
    public Frame awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("no close frame within " + timeout);
            }
            Frame frame;
            try {
                frame = next(Duration.ofMillis(left));
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no close frame within " + timeout, e);
            } catch (IOException e) {
                return null; // reset
            }
            if (frame == null || frame.opcode() == Frame.CLOSE) {
                return frame;
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

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read(); // byte by byte: nothing after the head may be consumed here
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
