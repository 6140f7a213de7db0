package io.realtime.gateway.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A Server-Sent Events client over a real socket (JDK HttpClient), parsing the stream as the
 * HTML specification says, so tests see what a browser's EventSource would.
 */
public final class SseTestClient implements AutoCloseable {

    /** HTTP/1.1 as EventSource over cleartext: one connection per stream, closed when the stream is. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<SseFrame> frames = new LinkedBlockingQueue<>();
    private final HttpResponse<InputStream> response;
    private final Thread reader;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private SseTestClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseTestClient connect(URI uri) throws IOException, InterruptedException {
        return connect(uri, Map.of());
    }

    public static SseTestClient connect(URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        return new SseTestClient(response);
    }

    public int status() {
        return response.statusCode();
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    /** The next frame (events and comments alike), or null after the timeout. */
    public SseFrame next(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next frame that matches, skipping others; fails after the timeout. */
    public SseFrame next(Predicate<SseFrame> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            SseFrame frame = poll(left, () -> "a matching SSE frame");
            if (frame == null) {
                throw new AssertionError("no matching SSE frame within " + timeout);
            }
            if (match.test(frame)) {
                return frame;
            }
        }
    }

    /** The next {@code n} frames with the given event name (others skipped), in order. */
    public List<SseFrame> events(String eventName, int n, Duration timeout) throws InterruptedException {
        List<SseFrame> out = new ArrayList<>(n);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n) {
            long left = deadline - System.nanoTime();
            SseFrame frame = poll(left, () -> "'" + eventName + "' frame " + (out.size() + 1) + " of " + n);
            if (frame == null) {
                throw new AssertionError("got " + out.size() + " of " + n + " '" + eventName + "' frames within "
                        + timeout);
            }
            if (eventName.equals(frame.event())) {
                out.add(frame);
            }
        }
        return out;
    }

    /**
     * Frames up to and including the first that matches {@code last}, in order (comments
     * included); fails if that frame does not come within the timeout.
     */
    public List<SseFrame> until(Predicate<SseFrame> last, Duration timeout) throws InterruptedException {
        List<SseFrame> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            SseFrame frame = poll(left, () -> "the closing frame, after " + lastFrames(out));
            if (frame == null) {
                throw new AssertionError("no closing frame within " + timeout + " after " + lastFrames(out));
            }
            out.add(frame);
            if (last.test(frame)) {
                return out;
            }
        }
    }

    /** How many frames came, and the last three: what a failed wait for the closing frame reports. */
    private static String lastFrames(List<SseFrame> out) {
        return out.size() + " frames (the last: " + out.subList(Math.max(0, out.size() - 3), out.size()) + ")";
    }

    /**
     * The next frame within {@code leftNanos}, or null when that time is up; fails at once, naming what it
     * waited for (built only then), once the server has ended the stream and no frame is left (not after the
     * whole timeout).
     */
    private SseFrame poll(long leftNanos, Supplier<String> waitingFor) throws InterruptedException {
        long deadline = System.nanoTime() + leftNanos;
        while (true) {
            SseFrame frame = frames.poll();
            if (frame != null) {
                return frame;
            }
            if (ended.isDone()) {
                frame = frames.poll(); // a last frame added just before the end
                if (frame != null) {
                    return frame;
                }
                throw new AssertionError("the server ended the stream while waiting for " + waitingFor.get());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            // In slices, so that an end is noticed while waiting (the reader completes `ended` after its last frame).
            frame = frames.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            if (frame != null) {
                return frame;
            }
        }
    }

    /** Frames that arrived and were not taken yet, taken now without waiting. */
    public List<SseFrame> drain() {
        List<SseFrame> out = new ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    /** Completes when the server ended the stream. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already closed
        }
        reader.interrupt();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String retry = null;
            String comment = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null || event != null || id != null || comment != null || retry != null) {
                        frames.add(new SseFrame(id, event, data == null ? null : data.toString(), retry, comment));
                    }
                    id = null;
                    event = null;
                    data = null;
                    retry = null;
                    comment = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    comment = line.substring(1).trim();
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "retry" -> retry = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
            ended.complete(null);
        } catch (IOException e) {
            ended.complete(null);
        }
    }
}
