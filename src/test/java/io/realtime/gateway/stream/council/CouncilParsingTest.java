package io.realtime.gateway.stream.council;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CouncilParsingTest {

    @Test
    void eventStreamLinesFollowTheStandard() {
        List<String> events = new ArrayList<>();
        SseLines lines = new SseLines((name, data) -> events.add(name + "|" + data));
        for (String line : List.of(": comment", "event: content_block_delta", "data: {\"a\":1}", "", "data:x", "data:  y",
                "id: 7", "", "data", "", "event: lost", "data: never dispatched")) {
            lines.line(line);
        }
        assertEquals(List.of("content_block_delta|{\"a\":1}", "message|x\n y", "message|"), events);
    }

    @Test
    void theScoreIsTheLastScoreLineInRange() {
        Answers.Verdict v = Answers.verdict("Good hook.\nWeak CTA.\n**Score:** 72\n");
        assertEquals(72.0, v.score());
        assertEquals("Good hook.\nWeak CTA.", v.rationale());
        assertEquals(55.5, Answers.verdict("SCORE: 10\nOn reflection:\nSCORE = 55.5").score());
        assertNull(Answers.verdict("I would give it a 7 out of 10"));
        assertNull(Answers.verdict("SCORE: 140"));
    }

    @Test
    void eachDialectReadsItsChunks() {
        OpenAiDialect openAi = new OpenAiDialect();
        assertEquals("Hi", openAi.read("message", "{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}").text());
        assertTrue(openAi.read("message", "[DONE]").done());
        assertEquals("boom", openAi.read("message", "{\"error\":{\"message\":\"boom\"}}").error());
        assertNull(openAi.read("message", "{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}").text());
        AnthropicDialect anthropic = new AnthropicDialect();
        assertEquals("Yo", anthropic.read("content_block_delta",
                "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Yo\"}}").text());
        assertTrue(anthropic.read("message_stop", "{}").done());
        assertEquals("Overloaded", anthropic.read("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}").error());
        GeminiDialect gemini = new GeminiDialect();
        assertEquals("ab", gemini.read("message",
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"},{\"text\":\"b\"}]}}]}").text());
    }

    @Test
    void providersComeFromConfigurationWithDefaultsByKind() {
        Map<String, String> keys = Map.ofEntries(Map.entry("gateway.council.providers", "openai, perplexity,broken"),
                Map.entry("gateway.council.openai.api-key", "k1"), Map.entry("gateway.council.openai.model", "gpt"),
                Map.entry("gateway.council.perplexity.api-key", "k2"), Map.entry("gateway.council.perplexity.model", "sonar"),
                Map.entry("gateway.council.perplexity.weight", "2"), Map.entry("gateway.council.broken.model", "x"),
                Map.entry("gateway.council.max-tokens", "100"), Map.entry("gateway.council.max-concurrent", "2"),
                Map.entry("gateway.council.max-input-chars", "1000"), Map.entry("gateway.council.max-per-user", "1"),
                Map.entry("gateway.council.max-form-bytes", "4000"), Map.entry("gateway.council.time-budget-ms", "60000"),
                Map.entry("gateway.council.max-attempts", "3"), Map.entry("gateway.council.unwatched-grace-ms", "5000"));
        CouncilSettings s = CouncilSettings.from(k -> Optional.ofNullable(keys.get(k)));
        assertEquals(2, s.providers().size(), "the one without kind and key is left out");
        ProviderSettings pplx = s.providers().get(1);
        assertEquals(Dialect.Kind.OPENAI, pplx.kind());
        assertEquals("https://api.perplexity.ai", pplx.baseUrl().toString());
        assertEquals(2.0, pplx.weight());
        assertEquals("https://api.openai.com/v1", s.providers().get(0).baseUrl().toString());
    }
}
