package io.realtime.gateway.council;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local stand-ins for the AI providers, speaking each one's real streaming wire format over HTTP:
 * OpenAI chat completions chunks ending in {@code [DONE]}, Anthropic Messages named events, Gemini
 * {@code streamGenerateContent?alt=sse} chunks. Three answer well; asked with {@link #IN_STEP} in the
 * prompt they answer in step: each sends its next piece only once the test's viewer has seen the
 * previous piece of all three ({@link #seen}), so their tokens interleave on the stream whatever the
 * machine's speed. One fails mid-stream, one closes its stream cleanly before {@code [DONE]}, one
 * answers 429 with a wait too long to retry, one answers 429 with a short wait the first time it sees
 * a prompt and well the second, one stalls after its first piece; two "twins" end their answers at
 * the same moment (a barrier), or hold their answer until released. Each checks the request's
 * credentials, records its body and counts its requests.
 */
final class StandInProviders implements AutoCloseable {

    static final List<String> OPENAI_TEXT = List.of("The hook ", "lands in the first second", ". Clear offer.\n", "SCORE: ", "80");
    static final List<String> ANTHROPIC_TEXT = List.of("Strong ", "visuals but ", "a weak call to action.\n", "SCORE: 60");
    static final List<String> GEMINI_TEXT = List.of("Great pacing", " and a crisp message", ".\nSCORE: 90");

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** Put in a prompt, it makes the three good providers answer in step with the test's viewer. */
    static final String IN_STEP = "[in step]";
    static final List<String> TWIN_TEXT = List.of("Same ", "answer.\n", "SCORE: 50");

    private final CyclicBarrier inStep = new CyclicBarrier(3);
    private final Map<String, Integer> seenTokens = new HashMap<>();
    private final CountDownLatch releaseStall = new CountDownLatch(1);
    private final CyclicBarrier twinsEnd = new CyclicBarrier(2);
    private volatile CountDownLatch hold;
    final Map<String, String> bodies = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    /** Held twin answers whose connection the gateway closed (the evaluation was stopped). */
    final AtomicInteger cancelled = new AtomicInteger();
    private final Set<String> retriedBodies = ConcurrentHashMap.newKeySet();

    StandInProviders() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(pool);
        server.createContext("/openai/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-openai", this::openAi));
        server.createContext("/anthropic/messages", ex -> serve(ex, "x-api-key", "k-anthropic", this::anthropic));
        server.createContext("/gemini/models/gemini-test:streamGenerateContent", ex -> serve(ex, "x-goog-api-key", "k-gemini", this::gemini));
        server.createContext("/perplexity/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-pplx", this::failsMidStream));
        server.createContext("/limited/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-limited", this::rateLimited));
        server.createContext("/stalled/messages", ex -> serve(ex, "x-api-key", "k-stalled", this::stalls));
        server.createContext("/cut/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-cut", this::cutShort));
        server.createContext("/retried/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-retried", this::limitedOnce));
        server.createContext("/twin1/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-twin", this::twin));
        server.createContext("/twin2/chat/completions", ex -> serve(ex, "Authorization", "Bearer k-twin", this::twin));
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
            String name = ex.getRequestURI().getPath().split("/")[1];
            bodies.put(name, body);
            ex.setAttribute("body", body);
            requests.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
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

    int requests(String provider) {
        AtomicInteger n = requests.get(provider);
        return n == null ? 0 : n.get();
    }

    /** The test's viewer saw a token of this model: a provider in step waits for it. */
    synchronized void seen(String model) {
        seenTokens.merge(model, 1, Integer::sum);
        notifyAll();
    }

    /** Forgets the tokens seen, before an evaluation in step. */
    synchronized void resetSteps() {
        seenTokens.clear();
        inStep.reset();
    }

    /**
     * In step: waits until the viewer has seen this model's {@code sent} pieces, then until the other
     * two have got as far, so that no piece is sent before every piece of the step before is on the
     * stream. Out of step (no marker in the prompt) it does not wait at all.
     */
    private void step(HttpExchange ex, String model, int sent) throws Exception {
        if (!inStep(ex)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (this) {
            while (seenTokens.getOrDefault(model, 0) < sent) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break; // the viewer never saw it: go on, the test will say what is missing
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        try {
            inStep.await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.BrokenBarrierException | java.util.concurrent.TimeoutException e) {
            // one of the others never came: go on alone, the test will say what is missing
        }
    }

    private boolean inStep(HttpExchange ex) {
        return ((String) ex.getAttribute("body")).contains(IN_STEP);
    }

    /** From now on the twins send their first piece and wait for {@link #release()}. */
    void hold() {
        hold = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch h = hold;
        hold = null;
        if (h != null) {
            h.countDown();
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
        int sent = 0;
        for (String piece : OPENAI_TEXT) {
            send(out, openAiChunk(piece));
            step(ex, "openai", ++sent);
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
        int sent = 0;
        for (String piece : ANTHROPIC_TEXT) {
            send(out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":" + json(piece) + "}}\n\n");
            step(ex, "anthropic", ++sent);
        }
        step(ex, "anthropic", sent); // one piece fewer than OpenAI's: keep the step count equal
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
        int sent = 0;
        for (String piece : GEMINI_TEXT) {
            send(out, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": " + json(piece)
                    + "}],\"role\": \"model\"},\"index\": 0}],\"modelVersion\": \"gemini-test\"}\r\n\r\n");
            step(ex, "gemini", ++sent);
        }
        step(ex, "gemini", sent);
        step(ex, "gemini", sent);
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
        ex.getResponseHeaders().set("Retry-After", "3600");
        ex.sendResponseHeaders(429, body.length);
        out.write(body);
    }

    /** An answer that looks whole but whose stream closes before {@code [DONE]}: cut at "SCORE: 9" of 90. */
    private void cutShort(HttpExchange ex, OutputStream out) throws Exception {
        start(ex);
        send(out, openAiChunk("Fine.\nSCORE: 9"));
    }

    /** 429 with a one-second wait the first time it sees a prompt; the answer the second time. */
    private void limitedOnce(HttpExchange ex, OutputStream out) throws Exception {
        if (retriedBodies.add((String) ex.getAttribute("body"))) {
            byte[] body = "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Retry-After", "1");
            ex.sendResponseHeaders(429, body.length);
            out.write(body);
            return;
        }
        start(ex);
        send(out, openAiChunk("Worth a second look.\nSCORE: 70"));
        send(out, "data: [DONE]\n\n");
    }

    /**
     * The twins: their answers end together (both reach a barrier before their last piece), so the
     * gateway hears both finish at once. While held, they send one piece and then a comment every
     * 50 ms (to notice the gateway hanging up) until released.
     */
    private void twin(HttpExchange ex, OutputStream out) throws Exception {
        start(ex);
        send(out, openAiChunk(TWIN_TEXT.get(0)));
        CountDownLatch h = hold;
        if (h != null) {
            try {
                while (!h.await(50, TimeUnit.MILLISECONDS)) {
                    send(out, ": waiting\n\n");
                }
            } catch (IOException e) {
                cancelled.incrementAndGet();
                throw e;
            }
        }
        for (String piece : TWIN_TEXT.subList(1, TWIN_TEXT.size())) {
            send(out, openAiChunk(piece));
        }
        try {
            twinsEnd.await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.BrokenBarrierException | java.util.concurrent.TimeoutException e) {
            twinsEnd.reset();
        }
        send(out, "data: [DONE]\n\n");
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
        release();
        server.stop(0);
        pool.shutdownNow();
    }
}
