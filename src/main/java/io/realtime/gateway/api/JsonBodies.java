package io.realtime.gateway.api;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.LimitException;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import jakarta.json.stream.JsonParsingException;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies within the size limit and parses them as JSON, with the right refusal. */
public final class JsonBodies {

    private JsonBodies() {
    }

    /**
     * At most {@code limit} bytes are read, whatever the client announced (a chunked body, a
     * Content-Length that lies): past it, 413 {@code too_large} before anything is parsed.
     */
    public static JsonStructure read(InputStream body, long declaredLength, int limit) {
        if (declaredLength > limit) {
            throw tooLarge(limit);
        }
        byte[] bytes;
        try {
            bytes = body.readNBytes(limit + 1);
        } catch (IOException e) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "The request body could not be read");
        }
        if (bytes.length > limit) {
            throw tooLarge(limit);
        }
        if (bytes.length == 0) {
            throw new InvalidInputException(ErrorCode.BAD_JSON, "The request body is empty");
        }
        String text;
        try {
            // Strict: JSON is UTF-8 (RFC 8259), and a lenient decode would store U+FFFD in place of
            // what the publisher sent without telling them.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(ErrorCode.BAD_JSON, "The request body is not valid UTF-8");
        }
        try (JsonReader reader = JsonFactories.reader(new StringReader(text))) {
            return reader.read();
        } catch (JsonParsingException e) {
            throw new InvalidInputException(ErrorCode.BAD_JSON, "Malformed JSON at line "
                    + e.getLocation().getLineNumber() + ", column " + e.getLocation().getColumnNumber());
        } catch (JsonException e) {
            throw new InvalidInputException(ErrorCode.BAD_JSON, "Malformed JSON");
        } catch (RuntimeException e) {
            if (!JsonFactories.nestedTooDeep(e)) {
                // Not the input's depth: a fault of ours, answered 500 with its stack trace logged
                // (ProblemMappers.Unexpected) instead of blaming the client's JSON.
                throw e;
            }
            throw new InvalidInputException(ErrorCode.BAD_JSON, "JSON nested too deeply to read");
        }
    }

    private static InvalidInputException tooLarge(int limit) {
        return new LimitException("body_size", ErrorCode.TOO_LARGE, "The request body is larger than " + limit + " bytes");
    }
}
