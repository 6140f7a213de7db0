package io.realtime.gateway.council;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Local stand-ins for the AI providers, speaking each one's real streaming wire format over HTTP:
 * OpenAI chat completions chunks ending in {@code [DONE]}, Anthropic Messages named events, Gemini
 * {@code streamGenerateContent?alt=sse} chunks. Three answer well, in step (each sends its next
 * piece only when the other two have sent theirs, so their tokens interleave); one fails mid-stream,
 * one answers 429, one stalls after its first piece. Each checks the request's credentials and
 * records its body.
 */
final class StandInProviders implements AutoCloseable {

    static final List<String> OPENAI_TEXT = List.of("The hook ", "lands in the first second", ". Clear offer.\n", "SCORE: ", "80");
    static final List<String> ANTHROPIC_TEXT = List.of("Strong ", "visuals but ", "a weak call to action.\n", "SCORE: 60");
    static final List<String> GEMINI_TEXT = List.of("Great pacing", " and a crisp message", ".\nSCORE: 90");

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final CyclicBarrier inStep = new CyclicBarrier(3);
    private final CountDownLatch releaseStall = new CountDownLatch(1);
    final Map<String, String> bodies = new ConcurrentHashMap<>();

    StandInProviders() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(pool);
        server.createContext("/openai/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-openai", this::openAi));
        server.createContext("/anthropic/messages", ex -> serve(ex, "x-api-key", "k-anthropic", this::anthropic));
        server.createContext("/gemini/models/gemini-test:streamGenerateContent", ex -> serve(ex, "x-goog-api-key", "k-gemini", this::gemini));
        server.createContext("/perplexity/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-pplx", this::failsMidStream));
        server.createContext("/limited/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-limited", this::rateLimited));
        server.createContext("/stalled/messages", ex -> serve(ex, "x-api-key", "k-stalled", this::stalls));
        server.start();
    }

    String base(String provider) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + provider;
    }

    private interface Answer {
        void write(HttpExchange ex, OutputStream out) throws Exception;
    }

    private void serve(HttpExchange ex, String header, String expected, Answer answer) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.put(ex.getRequestURI().getPath().split("/")[1], body);
            if (!"POST".equals(ex.getRequestMethod()) || !expected.equals(ex.getRequestHeaders().getFirst(header))) {
                byte[] refusal = "{\"error\":{\"message\":\"bad credentials or method\"}}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(401, refusal.length);
                ex.getResponseBody().write(refusal);
                return;
            }
            answer.write(ex, ex.getResponseBody());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static void start(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
    }

    private static void send(OutputStream out, String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Waits for the other two well-behaved providers to have sent their piece too. */
    private void step() throws Exception {
        try {
            inStep.await(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.BrokenBarrierException | java.util.concurrent.TimeoutException e) {
            // one of the others never came: go on alone, the test will say what is missing
        }
    }

    private static String json(String s) {
        return jakarta.json.Json.createValue(s).toString();
    }

    private static String openAiChunk(String content) {
        return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-test\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + json(content) + "},\"finish_reason\":null}]}\n\n";
    }

    private void openAi(HttpExchange ex, OutputStream out) throws Exception {
        start(ex);
        send(out, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        for (String piece : OPENAI_TEXT) {
            send(out, openAiChunk(piece));
            step();
        }
        send(out, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        send(out, "data: [DONE]\n\n");
    }

    private void anthropic(HttpExchange ex, OutputStream out) throws Exception {
        if (!"2023-06-01".equals(ex.getRequestHeaders().getFirst("anthropic-version"))) {
            throw new IOException("no anthropic-version");
        }
        start(ex);
        send(out, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-test\"}}\n\n");
        send(out, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        send(out, "event: ping\ndata: {\"type\": \"ping\"}\n\n");
        for (String piece : ANTHROPIC_TEXT) {
            send(out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":" + json(piece) + "}}\n\n");
            step();
        }
        step(); // one piece fewer than OpenAI's: keep the step count equal
        send(out, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        send(out, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":15}}\n\n");
        send(out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    private void gemini(HttpExchange ex, OutputStream out) throws Exception {
        if (!"alt=sse".equals(ex.getRequestURI().getQuery())) {
            throw new IOException("not alt=sse");
        }
        start(ex);
        for (String piece : GEMINI_TEXT) {
            send(out, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": " + json(piece)
                    + "}],\"role\": \"model\"},\"index\": 0}],\"modelVersion\": \"gemini-test\"}\r\n\r\n");
            step();
        }
        step();
        step();
        send(out, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"},"
                + "\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"totalTokenCount\": 42}}\r\n\r\n");
    }

    private void failsMidStream(HttpExchange ex, OutputStream out) throws Exception {
        start(ex);
        send(out, openAiChunk("Thinking about"));
        send(out, "data: {\"error\":{\"message\":\"upstream overloaded\",\"type\":\"server_error\"}}\n\n");
    }

    private void rateLimited(HttpExchange ex, OutputStream out) throws Exception {
        byte[] body = ("{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                + "\"code\":\"rate_limit_exceeded\"}}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Retry-After", "7");
        ex.sendResponseHeaders(429, body.length);
        out.write(body);
    }

    private void stalls(HttpExchange ex, OutputStream out) throws Exception {
        start(ex);
        send(out, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\"}}\n\n");
        send(out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me\"}}\n\n");
        releaseStall.await(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        releaseStall.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
