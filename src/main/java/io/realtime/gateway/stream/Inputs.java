package io.realtime.gateway.stream;

import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

/** Reading a worker's or a user's input fields, each refusal naming the field (422 / {@code bad_data}). */
public final class Inputs {

    private Inputs() {
    }

    /** A required whole number ≥ 0. */
    public static long count(JsonObject data, String name) {
        JsonValue value = data.get(name);
        if (!(value instanceof JsonNumber number) || !number.isIntegral() || number.bigDecimalValue().signum() < 0
                || number.bigDecimalValue().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw bad("'" + name + "' is required and must be a whole number ≥ 0");
        }
        return number.longValue();
    }

    /** An optional whole number ≥ 0, or null. */
    public static Long optionalCount(JsonObject data, String name) {
        JsonValue value = data.get(name);
        return value == null || value.getValueType() == JsonValue.ValueType.NULL ? null : count(data, name);
    }

    /** A required finite number ≥ 0. */
    public static double amount(JsonObject data, String name) {
        double v = number(data, name);
        if (v < 0) {
            throw bad("'" + name + "' must be ≥ 0");
        }
        return v;
    }

    /**
     * A required finite number. JSON has no infinity, but {@code 1e400} reads as one: refused here
     * (422), never carried into arithmetic that a JSON writer then fails on.
     */
    public static double number(JsonObject data, String name) {
        JsonValue value = data.get(name);
        if (!(value instanceof JsonNumber number)) {
            throw bad("'" + name + "' is required and must be a number");
        }
        double v = number.doubleValue();
        if (!Double.isFinite(v)) {
            throw bad("'" + name + "' is outside the range of a double (about ±1.8e308)");
        }
        return v;
    }

    /** A string of at most {@code max} characters; null when absent and not required. */
    public static String text(JsonObject data, String name, boolean required, int max) {
        JsonValue value = data.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            if (required) {
                throw bad("'" + name + "' is required");
            }
            return null;
        }
        if (!(value instanceof JsonString s)) {
            throw bad("'" + name + "' must be a string");
        }
        String text = s.getString();
        if (required && text.isBlank()) {
            throw bad("'" + name + "' must not be empty");
        }
        if (text.length() > max) {
            throw bad("'" + name + "' is longer than " + max + " characters");
        }
        return text;
    }

    /**
     * The subject's id: what follows the namespace in the channel name ({@code job:42} → {@code 42}).
     * The payload may repeat it in {@code field}; if it does, it must agree.
     */
    public static String subjectId(ChannelName channel, JsonObject data, String field) {
        String id = channel.bare() ? "" : channel.value().substring(channel.namespace().length() + 1);
        String given = text(data, field, false, 255);
        if (given != null && !given.equals(id)) {
            throw bad("'" + field + "' is '" + given + "' but the channel is " + channel.value());
        }
        return id;
    }


    public static InvalidInputException bad(String message) {
        return new InvalidInputException(ErrorCode.BAD_DATA, message);
    }
}
