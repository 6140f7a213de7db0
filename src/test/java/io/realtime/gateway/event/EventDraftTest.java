package io.realtime.gateway.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class EventDraftTest {

    private static final ChannelName JOB = ChannelName.parse("job:1");

    @Test
    void absentOrNullDataMeansAnEmptyObject() {
        assertEquals(JsonValue.EMPTY_JSON_OBJECT, EventDraft.of(JOB, Json.createValue("t"), null).data());
        assertEquals(JsonValue.EMPTY_JSON_OBJECT, EventDraft.of(JOB, Json.createValue("t"), JsonValue.NULL).data());
    }

    @Test
    void typeMustBeAShortSafeString() {
        assertCode(ErrorCode.BAD_TYPE, () -> EventDraft.of(JOB, null, null));
        assertCode(ErrorCode.BAD_TYPE, () -> EventDraft.of(JOB, Json.createValue(3), null));
        assertCode(ErrorCode.BAD_TYPE, () -> EventDraft.of(JOB, Json.createValue("a\nb"), null));
        assertCode(ErrorCode.BAD_TYPE, () -> EventDraft.of(JOB, Json.createValue("x".repeat(65)), null));
        assertEquals("job_progress.v2:x-y", EventDraft.of(JOB, Json.createValue("job_progress.v2:x-y"), null).type());
    }

    @Test
    void dataMustBeAnObjectOfBoundedDepthAndFiniteNumbers() {
        assertCode(ErrorCode.BAD_DATA, () -> EventDraft.of(JOB, Json.createValue("t"), Json.createValue("s")));
        assertCode(ErrorCode.BAD_DATA, () -> EventDraft.of(JOB, Json.createValue("t"), Json.createArrayBuilder().build()));
        assertCode(ErrorCode.BAD_DATA, () -> EventDraft.of(JOB, Json.createValue("t"), parse("{\"n\":1e400}")));
        assertCode(ErrorCode.BAD_DATA, () -> EventDraft.of(JOB, Json.createValue("t"), nested(33)));
        EventDraft.of(JOB, Json.createValue("t"), nested(32));
        EventDraft.of(JOB, Json.createValue("t"), parse("{\"n\":1.7976931348623157e308,\"m\":-4.9e-324}"));
    }

    /** An object {@code depth} levels deep, {@code data} itself being level 1, arrays counting too. */
    private static JsonObject nested(int depth) {
        String open = "{\"a\":[".repeat((depth - 1) / 2) + ((depth - 1) % 2 == 1 ? "{\"a\":" : "");
        String close = ((depth - 1) % 2 == 1 ? "}" : "") + "]}".repeat((depth - 1) / 2);
        return parse("{\"x\":" + open + "1" + close + "}");
    }

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }

    private static void assertCode(ErrorCode code, org.junit.jupiter.api.function.Executable call) {
        assertEquals(code, assertThrows(InvalidInputException.class, call).code());
    }
}
