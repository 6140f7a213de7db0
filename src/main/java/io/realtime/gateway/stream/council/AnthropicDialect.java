package io.realtime.gateway.stream.council;

import io.realtime.gateway.event.JsonFactories;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * Anthropic Messages with {@code "stream":true}: {@code POST {base}/messages}, {@code x-api-key} and
 * {@code anthropic-version}; the answer is named events, the text in {@code content_block_delta}
 * ({@code delta.type} {@code text_delta}), the end {@code message_stop}, a failure {@code error}
 * ({@code overloaded_error} and the like), {@code ping} and the rest carry no text.
 */
final class AnthropicDialect implements Dialect {

    static final String VERSION = "2023-06-01";

    @Override
    public HttpRequest request(ProviderSettings p, Prompt prompt, int maxTokens) {
        String body = JsonFactories.object()
                .add("model", p.model())
                .add("max_tokens", maxTokens)
                .add("stream", true)
                .add("system", prompt.system())
                .add("messages", JsonFactories.array()
                        .add(JsonFactories.object().add("role", "user").add("content", prompt.user())))
                .build().toString();
        return HttpRequest.newBuilder(URI.create(p.baseUrl() + "/messages"))
                .header("x-api-key", p.apiKey())
                .header("anthropic-version", VERSION)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Override
    public String terminator() {
        return "event: message_stop";
    }

    @Override
    public Chunk read(String event, String data) {
        switch (event) {
            case "content_block_delta" -> {
                JsonObject json = ProviderJson.parse(data);
                if (json != null && json.get("delta") instanceof JsonObject delta
                        && "text_delta".equals(text(delta, "type")) && delta.get("text") instanceof JsonString t) {
                    return Chunk.text(t.getString());
                }
                return Chunk.NOTHING;
            }
            case "message_stop" -> {
                return Chunk.DONE;
            }
            case "error" -> {
                String error = ProviderJson.error(ProviderJson.parse(data));
                return Chunk.error(error != null ? error : data);
            }
            default -> {
                return Chunk.NOTHING;
            }
        }
    }

    private static String text(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? s.getString() : null;
    }
}
