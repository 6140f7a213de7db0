package io.realtime.gateway.stream.council;

import io.realtime.gateway.event.JsonFactories;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/**
 * Google Gemini {@code streamGenerateContent} with {@code alt=sse}: {@code POST
 * {base}/models/{model}:streamGenerateContent?alt=sse}, {@code x-goog-api-key}; each {@code data:}
 * is a GenerateContentResponse whose {@code candidates[0].content.parts[].text} is the next text; the
 * chunk whose candidate carries a {@code finishReason} is the last (it may carry text too); a failure
 * is an {@code error} object.
 */
final class GeminiDialect implements Dialect {

    @Override
    public HttpRequest request(ProviderSettings p, Prompt prompt, int maxTokens) {
        String body = JsonFactories.object()
                .add("systemInstruction", JsonFactories.object().add("parts",
                        JsonFactories.array().add(JsonFactories.object().add("text", prompt.system()))))
                .add("contents", JsonFactories.array().add(JsonFactories.object().add("role", "user")
                        .add("parts", JsonFactories.array().add(JsonFactories.object().add("text", prompt.user())))))
                .add("generationConfig", JsonFactories.object().add("maxOutputTokens", maxTokens))
                .build().toString();
        String model = URLEncoder.encode(p.model(), StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(p.baseUrl() + "/models/" + model + ":streamGenerateContent?alt=sse"))
                .header("x-goog-api-key", p.apiKey())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Override
    public String terminator() {
        return "a candidate's finishReason";
    }

    @Override
    public Chunk read(String event, String data) {
        JsonObject json = ProviderJson.parse(data);
        String error = ProviderJson.error(json);
        if (error != null) {
            return Chunk.error(error);
        }
        if (json == null || !(json.get("candidates") instanceof JsonArray candidates) || candidates.isEmpty()
                || !(candidates.get(0) instanceof JsonObject candidate)) {
            return Chunk.NOTHING;
        }
        StringBuilder text = new StringBuilder();
        if (candidate.get("content") instanceof JsonObject content && content.get("parts") instanceof JsonArray parts) {
            for (JsonValue part : parts) {
                if (part instanceof JsonObject o && o.get("text") instanceof JsonString t) {
                    text.append(t.getString());
                }
            }
        }
        String piece = text.isEmpty() ? null : text.toString();
        if (candidate.get("finishReason") instanceof JsonString) {
            return Chunk.last(piece);
        }
        return piece == null ? Chunk.NOTHING : Chunk.text(piece);
    }
}
