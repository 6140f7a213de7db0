package io.realtime.gateway.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.realtime.gateway.broker.redis.RedisFailures.PublishFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * How a failed publish is read, from the failures a real Jedis meets on real loopback sockets: a
 * server that resets the connection after taking the command (the answer lost: it may have run), one
 * that resets it before the command is through, or while the connection is set up (not run). The first is what the link-cut fault
 * gave; read as "unreachable", the instance delivered the event locally as well.
 */
class RedisFailuresTest {

    @Test
    void aConnectionResetAfterTheCommandWasSentMayHaveRunIt() throws Exception {
        JedisConnectionException e = failureFrom(server -> {
            Socket s = server.accept();
            s.getInputStream().read(new byte[64]); // the command arrived
            reset(s);
        }, jedis -> jedis.set("k", "v"));
        assertEquals(PublishFailure.OUTCOME_UNKNOWN, RedisFailures.ofPublish(e, true), String.valueOf(e));
        assertEquals(PublishFailure.OUTCOME_UNKNOWN, RedisFailures.ofPublish(e, false), String.valueOf(e));
    }

    @Test
    void aConnectionResetWhileTheCommandWasWrittenDidNotRunIt() throws Exception {
        // 4 MB: far more than the socket buffers, so the write is still going when the reset comes.
        String big = "x".repeat(4 << 20);
        JedisConnectionException e = failureFrom(server -> {
            Socket s = server.accept();
            s.getInputStream().read(); // the command has begun to arrive
            reset(s);
        }, jedis -> jedis.set("k", big));
        assertEquals(PublishFailure.UNREACHABLE, RedisFailures.ofPublish(e, true), String.valueOf(e));
        // A pipeline's first commands may have gone through whole before its write failed.
        assertEquals(PublishFailure.OUTCOME_UNKNOWN, RedisFailures.ofPublish(e, false), String.valueOf(e));
    }

    @Test
    void aConnectionResetWhileItWasSetUpSentNothing() throws Exception {
        // A client that names itself: CLIENT SETNAME goes out first, and its answer is lost.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                try {
                    Socket s = server.accept();
                    s.getInputStream().read(new byte[64]);
                    reset(s);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            JedisConnectionException e = assertThrows(JedisConnectionException.class, () -> new Jedis(
                    local(server.getLocalPort()), quiet(30_000).clientName("named").build()));
            serving.get(30, TimeUnit.SECONDS);
            assertEquals(PublishFailure.UNREACHABLE, RedisFailures.ofPublish(e, true), String.valueOf(e));
            assertEquals(PublishFailure.UNREACHABLE, RedisFailures.ofPublish(e, false), String.valueOf(e));
        }
    }

    @Test
    void anAnswerThatNeverCameMayHaveRunUnlessTheConnectionWasBeingSetUp() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
            // Takes every connection and never answers: each client's read times out.
            CompletableFuture.runAsync(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(server.accept());
                    }
                } catch (IOException e) {
                    held.forEach(RedisFailuresTest::closeQuietly); // the test is over
                }
            });
            HostAndPort address = local(server.getLocalPort());
            Jedis plain = new Jedis(address, quiet(300).build());
            JedisConnectionException sent = assertThrows(JedisConnectionException.class, () -> plain.set("k", "v"));
            assertEquals(PublishFailure.OUTCOME_UNKNOWN, RedisFailures.ofPublish(sent, true), String.valueOf(sent));
            closeBroken(plain);
            JedisConnectionException settingUp = assertThrows(JedisConnectionException.class,
                    () -> new Jedis(address, quiet(300).clientName("named").build()));
            assertEquals(PublishFailure.UNREACHABLE, RedisFailures.ofPublish(settingUp, true), String.valueOf(settingUp));
        }
    }

    @Test
    void nothingListeningIsUnreachable() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        JedisConnectionException e = assertThrows(JedisConnectionException.class, () -> plain(port).set("k", "v"));
        assertEquals(PublishFailure.UNREACHABLE, RedisFailures.ofPublish(e, true), String.valueOf(e));
    }

    private interface ServerSide {
        void run(ServerSocket server) throws IOException;
    }

    private static JedisConnectionException failureFrom(ServerSide side, java.util.function.Consumer<Jedis> command)
            throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                try {
                    side.run(server);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Jedis jedis = plain(server.getLocalPort());
            JedisConnectionException e = assertThrows(JedisConnectionException.class, () -> command.accept(jedis));
            serving.get(30, TimeUnit.SECONDS);
            closeBroken(jedis);
            return e;
        }
    }

    /** A client that sends nothing before the command under test (no HELLO, no CLIENT SETINFO). */
    private static Jedis plain(int port) {
        return new Jedis(local(port), quiet(30_000).build());
    }

    /** A client set-up that sends nothing of its own (a client name, if one is added, is sent first). */
    private static DefaultJedisClientConfig.Builder quiet(int readTimeoutMs) {
        return DefaultJedisClientConfig.builder().socketTimeoutMillis(readTimeoutMs)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
    }

    private static HostAndPort local(int port) {
        return new HostAndPort("127.0.0.1", port);
    }

    private static void closeBroken(Jedis jedis) {
        try {
            jedis.close();
        } catch (JedisConnectionException e) {
            // its socket is gone already
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }
}
