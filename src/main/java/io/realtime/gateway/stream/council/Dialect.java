package io.realtime.gateway.stream.council;

import java.net.http.HttpRequest;

/** One provider API's streaming wire format: the request to make, and what each event of its answer means. */
interface Dialect {

    enum Kind {
        OPENAI, ANTHROPIC, GEMINI
    }

    /** What one server-sent event of an answer carried. */
    record Chunk(String text, boolean done, String error) {

        static final Chunk NOTHING = new Chunk(null, false, null);
        static final Chunk DONE = new Chunk(null, true, null);

        static Chunk text(String text) {
            return new Chunk(text, false, null);
        }

        static Chunk error(String message) {
            return new Chunk(null, false, message);
        }
    }

    HttpRequest request(ProviderSettings provider, Prompt prompt, int maxTokens);

    /** @param event the SSE event name ({@code message} when the provider sends none) */
    Chunk read(String event, String data);

    static Dialect of(Kind kind) {
        return switch (kind) {
            case OPENAI -> new OpenAiDialect();
            case ANTHROPIC -> new AnthropicDialect();
            case GEMINI -> new GeminiDialect();
        };
    }
}
