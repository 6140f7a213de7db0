package io.realtime.gateway.stream.council;

import java.net.URI;
import java.time.Duration;

/**
 * One configured model provider ({@code gateway.council.<name>.*}).
 *
 * @param name    the name in {@code gateway.council.providers}; the {@code model} of its events
 * @param kind    its wire format: {@code openai} (chat completions, also Perplexity and other
 *                compatible services), {@code anthropic} (Messages) or {@code gemini} (streamGenerateContent)
 * @param baseUrl where its API is ({@code https://api.openai.com/v1} and the like)
 * @param model   the provider's model id
 * @param weight  its weight in the aggregate score
 * @param timeout how long it may stay silent (before its first byte, or between two) before it counts as stalled
 */
public record ProviderSettings(String name, Dialect.Kind kind, URI baseUrl, String apiKey, String model,
                               double weight, Duration timeout) {

    @Override
    public String toString() {
        return name + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ", " + model + " at " + baseUrl + ")";
    }
}
