package io.realtime.gateway.event;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * An event a publisher asked for, validated (DESIGN §3) but not yet given an id. The transports and
 * the HTTP API build drafts through {@link #of}; a worker publishing through Redis bypasses this.
 *
 * @param idempotencyKey the publisher's key for this publish, or null: a retry with the same key on
 *                       the same channel within the window publishes nothing and gets the first id
 */
public record EventDraft(ChannelName channel, String type, JsonObject data, String idempotencyKey) {

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[!-~]{1,128}");

    public EventDraft(ChannelName channel, String type, JsonObject data) {
        this(channel, type, data, null);
    }

    /**
     * The same draft with the publisher's idempotency key (printable ASCII, no spaces, 1 to 128
     * characters); null or absent leaves it without.
     */
    public EventDraft withIdempotencyKey(String key) {
        if (key == null) {
            return this;
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST,
                    "An idempotency key is 1 to 128 printable ASCII characters without spaces");
        }
        return new EventDraft(channel, type, data, key);
    }

    /** {@code data} itself is depth 1. */
    public static final int MAX_DATA_DEPTH = 32;

    private static final Pattern TYPE = EventTypes.TYPE;
    private static final BigDecimal MAX_DOUBLE = new BigDecimal(Double.MAX_VALUE);

    /**
     * @param data the {@code data} member as received: {@code null} or JSON null mean {@code {}}
     */
    public static EventDraft of(ChannelName channel, JsonValue type, JsonValue data) {
        if (type == null || type.getValueType() != JsonValue.ValueType.STRING) {
            throw new InvalidInputException(ErrorCode.BAD_TYPE, "'type' is required and must be a string");
        }
        String typeText = ((jakarta.json.JsonString) type).getString();
        if (!TYPE.matcher(typeText).matches()) {
            throw new InvalidInputException(ErrorCode.BAD_TYPE,
                    "'type' must match " + TYPE.pattern());
        }
        if (EventTypes.isReserved(typeText)) {
            throw new InvalidInputException(ErrorCode.RESERVED_TYPE, "'type' " + typeText + " is reserved for the "
                    + "gateway's own events (" + new java.util.TreeSet<>(EventTypes.RESERVED) + ")");
        }
        JsonObject object;
        if (data == null || data.getValueType() == JsonValue.ValueType.NULL) {
            object = JsonValue.EMPTY_JSON_OBJECT;
        } else if (data.getValueType() == JsonValue.ValueType.OBJECT) {
            object = data.asJsonObject();
            checkValue(object, 1);
        } else {
            throw new InvalidInputException(ErrorCode.BAD_DATA, "'data' must be a JSON object");
        }
        return new EventDraft(channel, typeText, object);
    }

    private static void checkValue(JsonValue value, int depth) {
        switch (value.getValueType()) {
            case OBJECT -> {
                checkDepth(depth);
                for (JsonValue member : value.asJsonObject().values()) {
                    checkValue(member, depth + 1);
                }
            }
            case ARRAY -> {
                checkDepth(depth);
                for (JsonValue item : value.asJsonArray()) {
                    checkValue(item, depth + 1);
                }
            }
            case NUMBER -> {
                BigDecimal number = ((JsonNumber) value).bigDecimalValue();
                if (number.abs().compareTo(MAX_DOUBLE) > 0) {
                    throw new InvalidInputException(ErrorCode.BAD_DATA,
                            "'data' holds a number outside the range of a double");
                }
            }
            default -> {
                // strings, booleans and null are always fine
            }
        }
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DATA_DEPTH) {
            throw new InvalidInputException(ErrorCode.BAD_DATA,
                    "'data' is nested deeper than " + MAX_DATA_DEPTH + " levels");
        }
    }
}
