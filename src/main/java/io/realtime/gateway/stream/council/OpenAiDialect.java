package io.realtime.gateway.stream.council;

import io.realtime.gateway.event.JsonFactories;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * OpenAI chat completions with {@code "stream":true} (also Perplexity and other compatible APIs):
 * {@code POST {base}/chat/completions}, bearer key; the answer is {@code data:} chunks whose
 * {@code choices[0].delta.content} is the next text, ending with {@code data: [DONE]}; a failure
 * mid-stream is a chunk with {@code error}.
 */
final class OpenAiDialect implements Dialect {

    @Override
    public HttpRequest request(ProviderSettings p, Prompt prompt, int maxTokens) {
        String body = JsonFactories.object()
                .add("model", p.model())
                .add("stream", true)
                .add("max_tokens", maxTokens)
                .add("messages", JsonFactories.array()
                        .add(JsonFactories.object().add("role", "system").add("content", prompt.system()))
                        .add(JsonFactories.object().add("role", "user").add("content", prompt.user())))
                .build().toString();
        return HttpRequest.newBuilder(URI.create(p.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + p.apiKey())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Override
    public String terminator() {
        return "data: [DONE]";
    }

    @Override
    public Chunk read(String event, String data) {
        if ("[DONE]".equals(data.trim())) {
            return Chunk.DONE;
        }
        JsonObject json = ProviderJson.parse(data);
        String error = ProviderJson.error(json);
        if (error != null) {
            return Chunk.error(error);
        }
        if (json == null || !(json.get("choices") instanceof JsonArray choices) || choices.isEmpty()
                || !(choices.get(0) instanceof JsonObject choice) || !(choice.get("delta") instanceof JsonObject delta)
                || !(delta.get("content") instanceof JsonString content)) {
            return Chunk.NOTHING;
        }
        return Chunk.text(content.getString());
    }
}
