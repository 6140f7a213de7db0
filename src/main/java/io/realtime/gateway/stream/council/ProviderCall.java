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
 * silence past the provider's timeout, an answer without a score).
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

    ProviderCall(ProviderSettings provider, Listener listener) {
        this.provider = provider;
        this.dialect = Dialect.of(provider.kind());
        this.listener = listener;
    }

    void start(HttpClient client, Prompt prompt, int maxTokens, ScheduledExecutorService scheduler) {
        long checkMs = Math.max(50, provider.timeout().toMillis() / 4);
        watchdog = scheduler.scheduleWithFixedDelay(this::checkStall, checkMs, checkMs, TimeUnit.MILLISECONDS);
        // The request timeout covers the wait for the response's head; the watchdog, the silences after.
        exchange = client.sendAsync(
                java.net.http.HttpRequest.newBuilder(dialect.request(provider, prompt, maxTokens), (n, v) -> true)
                        .timeout(provider.timeout()).build(),
                info -> {
                    status = info.statusCode();
                    retryAfter = info.headers().firstValue("Retry-After").orElse(null);
                    lastHeardNanos = System.nanoTime();
                    return HttpResponse.BodySubscribers.fromLineSubscriber(this);
                }).whenComplete((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        fail(cause instanceof HttpTimeoutException
                                ? "no response within " + provider.timeout().toMillis() + " ms"
                                : "request failed: " + cause.getClass().getSimpleName()
                                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
                    }
                });
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
            fail(httpError());
        } else {
            finish();
        }
    }

    private void event(String name, String data) {
        Dialect.Chunk chunk = dialect.read(name, data);
        if (chunk.error() != null) {
            fail("error from the provider mid-stream: " + chunk.error());
        } else if (chunk.text() != null && !chunk.text().isEmpty()) {
            answer.append(chunk.text());
            if (!over.get()) {
                listener.token(provider, chunk.text());
            }
        } else if (chunk.done()) {
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
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeardNanos);
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
        return what + (detail != null ? ": " + detail : "") + (retryAfter != null ? "; retry after " + retryAfter + " s" : "");
    }
}
