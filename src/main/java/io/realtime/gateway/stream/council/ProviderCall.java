package io.realtime.gateway.stream.council;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One model's streaming answer: the request, its event stream read line by line as it arrives
 * (no thread waits on it), each piece of text handed on as it comes, and exactly one outcome: a
 * verdict, or an error (an HTTP status such as 429, an error event mid-stream, a broken connection,
 * a stream closed before its end marker, silence past the provider's timeout, the evaluation's time
 * budget spent, an answer without a score, the evaluation stopped).
 */
final class ProviderCall implements Flow.Subscriber<String> {

    /** Where a call's text and outcome go; called from the HTTP client's threads, one call at a time. */
    interface Listener {
        void token(ProviderSettings provider, String text);

        void done(ProviderSettings provider, Answers.Verdict verdict);

        void failed(ProviderSettings provider, String message);
    }

    private static final int MAX_ERROR_BODY = 2000;

    private final ProviderSettings provider;
    private final Dialect dialect;
    private final Listener listener;
    private final SseLines lines = new SseLines(this::event);
    private final StringBuilder answer = new StringBuilder();
    private final StringBuilder errorBody = new StringBuilder();
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile int status;
    private volatile String retryAfter;
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<?> exchange;
    private volatile ScheduledFuture<?> watchdog;
    private HttpClient client;
    private java.net.http.HttpRequest request;
    private ScheduledExecutorService scheduler;
    private long deadlineNanos;
    private int maxAttempts;
    /** Requests made so far; only the thread that ends one attempt starts the next. */
    private volatile int attempts;

    ProviderCall(ProviderSettings provider, Listener listener) {
        this.provider = provider;
        this.dialect = Dialect.of(provider.kind());
        this.listener = listener;
    }

    /**
     * Sends the request. A 429 or 503 that says when to come back ({@code Retry-After}) is asked again
     * then, while attempts remain and the wait ends before {@code deadlineNanos}; past that deadline
     * (the evaluation's time budget) a call still answering fails.
     */
    void start(HttpClient client, Prompt prompt, int maxTokens, ScheduledExecutorService scheduler,
               long deadlineNanos, int maxAttempts) {
        this.client = client;
        this.request = java.net.http.HttpRequest.newBuilder(dialect.request(provider, prompt, maxTokens), (n, v) -> true)
                .timeout(provider.timeout()).build();
        this.scheduler = scheduler;
        this.deadlineNanos = deadlineNanos;
        this.maxAttempts = maxAttempts;
        long checkMs = Math.max(50, provider.timeout().toMillis() / 4);
        watchdog = scheduler.scheduleWithFixedDelay(this::checkStall, checkMs, checkMs, TimeUnit.MILLISECONDS);
        send();
    }

    private void send() {
        attempts++;
        status = 0;
        retryAfter = null;
        errorBody.setLength(0);
        lastHeardNanos = System.nanoTime();
        // The request timeout covers the wait for the response's head; the watchdog, the silences after.
        exchange = client.sendAsync(request,
                info -> {
                    status = info.statusCode();
                    retryAfter = info.headers().firstValue("Retry-After").orElse(null);
                    lastHeardNanos = System.nanoTime();
                    return HttpResponse.BodySubscribers.fromLineSubscriber(this);
                }).whenComplete((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        if (status == 0 && cause instanceof java.io.IOException && !(cause instanceof HttpTimeoutException)
                                && retryAtOnce()) {
                            return;
                        }
                        fail(cause instanceof HttpTimeoutException
                                ? "no response within " + provider.timeout().toMillis() + " ms"
                                : "request failed: " + cause.getClass().getSimpleName()
                                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
                    }
                });
        if (over.get()) {
            exchange.cancel(true); // stopped while the request was being made
        }
    }

    /**
     * Stops the call, reported as a failure with this reason (no one watches the evaluation any more):
     * the evaluation still ends, with what the other models said.
     */
    void stop(String reason) {
        fail(reason);
    }

    /** Ends the call without an outcome being reported (the application is stopping). */
    void cancel() {
        if (over.compareAndSet(false, true)) {
            release();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (over.get()) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(String line) {
        lastHeardNanos = System.nanoTime();
        if (over.get()) {
            return;
        }
        if (status != 200) {
            if (errorBody.length() < MAX_ERROR_BODY) {
                errorBody.append(line).append('\n');
            }
            return;
        }
        lines.line(line);
    }

    @Override
    public void onError(Throwable error) {
        fail("the stream broke: " + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : ": " + error.getMessage()));
    }

    @Override
    public void onComplete() {
        if (status != 200) {
            if (!retry()) {
                fail(httpError());
            }
        } else {
            // The answer's own end marker finishes a call; a connection closed cleanly before it may
            // have cut the answer anywhere (after "SCORE: 9" of 90), so that is no answer.
            fail("the stream ended before its end (" + dialect.terminator() + "): the answer may be cut short");
        }
    }

    /** A 429 or 503 with Retry-After, asked again after that wait if it fits the attempts and the budget. */
    private boolean retry() {
        if (status != 429 && status != 503) {
            return false;
        }
        long waitMs = retryAfterMs(retryAfter, System.currentTimeMillis());
        return waitMs >= 0 && sendAgainAfter(waitMs);
    }

    /**
     * The connection failed before any answer came (no status line): most often a kept-alive connection
     * the provider had closed while it waited in the client's pool, which the JDK's client does not send
     * again for a POST. Asked again at once (the client opens or takes another connection) while attempts
     * and the budget remain, as OkHttp does: otherwise one stale connection made the model's whole answer
     * an error. The provider may have read a request whose connection then dropped, so it may see it twice.
     */
    private boolean retryAtOnce() {
        return sendAgainAfter(0);
    }

    /** Sends the request again after {@code waitMs}, if an attempt remains and the wait ends within the budget. */
    private boolean sendAgainAfter(long waitMs) {
        if (over.get() || attempts >= maxAttempts
                || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs) - deadlineNanos >= 0) {
            return false;
        }
        if (waitMs > 0) {
            // The watchdog must not count the wait the provider asked for as a silence.
            lastHeardNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        }
        scheduler.schedule(() -> {
            if (!over.get()) {
                send();
            }
        }, waitMs, TimeUnit.MILLISECONDS);
        return true;
    }

    /** {@code Retry-After} in milliseconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3); -1 if absent or unreadable. */
    static long retryAfterMs(String value, long nowMs) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            return v.length() > 9 ? Long.MAX_VALUE / 2 : Long.parseLong(v) * 1000;
        }
        try {
            long at = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant().toEpochMilli();
            return Math.max(0, at - nowMs);
        } catch (java.time.format.DateTimeParseException e) {
            return -1;
        }
    }

    private void event(String name, String data) {
        Dialect.Chunk chunk = dialect.read(name, data);
        if (chunk.error() != null) {
            fail("error from the provider mid-stream: " + chunk.error());
            return;
        }
        if (chunk.text() != null && !chunk.text().isEmpty()) {
            answer.append(chunk.text());
            if (!over.get()) {
                listener.token(provider, chunk.text());
            }
        }
        if (chunk.done()) {
            finish();
        }
    }

    private void finish() {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        release();
        Answers.Verdict verdict = Answers.verdict(answer.toString());
        if (verdict == null) {
            listener.failed(provider, answer.isEmpty() ? "the answer was empty"
                    : "the answer holds no 'SCORE: <0-100>' line");
        } else {
            listener.done(provider, verdict);
        }
    }

    private void fail(String message) {
        if (over.compareAndSet(false, true)) {
            release();
            listener.failed(provider, message);
        }
    }

    private void checkStall() {
        long now = System.nanoTime();
        if (now - deadlineNanos >= 0) {
            fail("over the evaluation's time budget (gateway.council.time-budget-ms)");
            return;
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(now - lastHeardNanos);
        if (silentMs > provider.timeout().toMillis()) {
            fail("stalled: nothing for " + provider.timeout().toMillis() + " ms");
        }
    }

    private void release() {
        ScheduledFuture<?> w = watchdog;
        if (w != null) {
            w.cancel(false);
        }
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        CompletableFuture<?> e = exchange;
        if (e != null) {
            e.cancel(true);
        }
    }

    private String httpError() {
        String detail = ProviderJson.error(ProviderJson.parse(errorBody.toString().strip()));
        String what = status == 429 ? "rate limited (HTTP 429)" : "HTTP " + status;
        String tries = attempts > 1 ? " (after " + attempts + " attempts)" : "";
        return what + tries + (detail != null ? ": " + detail : "")
                + (retryAfter != null ? "; retry after " + retryAfter + " s" : "");
    }
}
