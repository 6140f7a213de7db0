package io.realtime.gateway.stream.council;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    private static ProviderSettings provider(String name) {
        return new ProviderSettings(name, Dialect.Kind.OPENAI, URI.create("http://localhost"), "k", "m", 1, Duration.ofSeconds(1));
    }

    /** Issue 25 item 6: models finishing at the same instant; exactly one of them is told it was the last. */
    @Test
    void exactlyOneOfModelsFinishingTogetherIsTheLast() throws Exception {
        List<ProviderSettings> providers = java.util.stream.IntStream.range(0, 8).mapToObj(i -> provider("m" + i)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(providers.size());
        try {
            for (int round = 0; round < 3000; round++) {
                Evaluation evaluation = new Evaluation(providers);
                CyclicBarrier together = new CyclicBarrier(providers.size());
                List<Future<Boolean>> last = providers.stream().map(p -> pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return p.name().endsWith("1") ? evaluation.failed(p) : evaluation.scored(p, 50);
                })).toList();
                int told = 0;
                for (Future<Boolean> f : last) {
                    told += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, told, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aModelFinishesOnce() {
        ProviderSettings a = provider("a");
        Evaluation evaluation = new Evaluation(List.of(a, provider("b")));
        assertFalse(evaluation.scored(a, 10));
        assertFalse(evaluation.failed(a), "a second outcome of the same model changes nothing");
        assertTrue(evaluation.failed(provider("b")));
    }

    /** Issue 25 item 5: each dialect knows the end of an answer; Gemini's is the finishing chunk, text and all. */
    @Test
    void everyDialectKnowsItsEnd() {
        assertTrue(new OpenAiDialect().read("message", "[DONE]").done());
        assertTrue(new AnthropicDialect().read("message_stop", "{\"type\":\"message_stop\"}").done());
        Dialect.Chunk last = new GeminiDialect().read("message", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"SCORE: 90\"}]},"
                + "\"finishReason\":\"STOP\"}]}");
        assertTrue(last.done());
        assertEquals("SCORE: 90", last.text());
        assertFalse(new GeminiDialect().read("message", "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"SCORE: 9\"}]}}]}").done());
    }

    @Test
    void retryAfterIsSecondsOrADate() {
        assertEquals(7000, ProviderCall.retryAfterMs("7", 0));
        assertEquals(-1, ProviderCall.retryAfterMs(null, 0));
        assertEquals(-1, ProviderCall.retryAfterMs("soon", 0));
        long now = java.time.ZonedDateTime.parse("Wed, 21 Oct 2026 07:28:00 GMT",
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        assertEquals(2000, ProviderCall.retryAfterMs("Wed, 21 Oct 2026 07:28:02 GMT", now));
        assertTrue(ProviderCall.retryAfterMs("99999999999999999999", 0) > 1_000_000_000L);
    }
}
