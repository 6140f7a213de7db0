package io.realtime.gateway.stream.council;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A provider call over real loopback sockets with the JDK's HTTP client, against a provider that closes
 * its first connection without answering: what a kept-alive connection the provider dropped while it
 * waited in the client's pool looks like ("header parser received no bytes").
 */
class ProviderCallTest {

    private static final String ANSWER = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"Fine hook.\\nSCORE: 64\"}}]}\n\n"
            + "data: [DONE]\n\n";

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private ScheduledExecutorService scheduler;
    private HttpClient client;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        scheduler = Executors.newSingleThreadScheduledExecutor();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        Thread accepting = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    int n = connections.incrementAndGet();
                    readRequest(socket.getInputStream());
                    if (n > 1) { // the first is dropped unanswered
                        OutputStream out = socket.getOutputStream();
                        out.write(ANSWER.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed by the test
                }
            }
        }, "stand-in provider");
        accepting.setDaemon(true);
        accepting.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        scheduler.shutdownNow();
    }

    @Test
    void aConnectionClosedBeforeAnyAnswerIsAskedAgainAtOnce() throws Exception {
        Outcome outcome = call(3);
        assertEquals("done 64.0", outcome.result.get(30, TimeUnit.SECONDS), outcome.tokens.toString());
        assertEquals("Fine hook.\nSCORE: 64", outcome.tokens.toString());
        assertEquals(2, connections.get(), "the dropped request, then the answered one");
    }

    @Test
    void withNoAttemptLeftTheDroppedConnectionIsTheModelsError() throws Exception {
        Outcome outcome = call(1);
        String result = outcome.result.get(30, TimeUnit.SECONDS);
        assertTrue(result.startsWith("failed request failed: IOException"), result);
        assertEquals(1, connections.get());
    }

    private record Outcome(CompletableFuture<String> result, StringBuilder tokens) {
    }

    private Outcome call(int maxAttempts) {
        ProviderSettings provider = new ProviderSettings("dropping", Dialect.Kind.OPENAI,
                URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1"), "k", "gpt-test", 1, Duration.ofSeconds(20));
        Outcome outcome = new Outcome(new CompletableFuture<>(), new StringBuilder());
        ProviderCall call = new ProviderCall(provider, new ProviderCall.Listener() {
            @Override
            public void token(ProviderSettings p, String text) {
                synchronized (outcome.tokens) {
                    outcome.tokens.append(text);
                }
            }

            @Override
            public void done(ProviderSettings p, Answers.Verdict verdict) {
                outcome.result.complete("done " + verdict.score());
            }

            @Override
            public void failed(ProviderSettings p, String message) {
                outcome.result.complete("failed " + message);
            }
        });
        call.start(client, new Prompt("system", "user"), 100, scheduler,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(60), maxAttempts);
        return outcome;
    }

    /** Reads one request: its head, then as many body bytes as its Content-Length says. */
    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head.toString(StandardCharsets.ISO_8859_1));
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
    }
}
