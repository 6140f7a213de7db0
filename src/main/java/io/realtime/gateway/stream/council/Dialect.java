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

        /** The last piece of text, and the end of the answer with it (Gemini's finishing chunk). */
        static Chunk last(String text) {
            return new Chunk(text, true, null);
        }

        static Chunk error(String message) {
            return new Chunk(null, false, message);
        }
    }

    HttpRequest request(ProviderSettings provider, Prompt prompt, int maxTokens);

    /** @param event the SSE event name ({@code message} when the provider sends none) */
    Chunk read(String event, String data);

    /**
     * What marks a complete answer in this format, for the error of a stream that closed without it:
     * a connection that ends cleanly before it may have cut the answer anywhere, even after a score.
     */
    String terminator();

    static Dialect of(Kind kind) {
        return switch (kind) {
            case OPENAI -> new OpenAiDialect();
            case ANTHROPIC -> new AnthropicDialect();
            case GEMINI -> new GeminiDialect();
        };
    }
}
