package io.realtime.gateway.event;

import java.util.regex.Pattern;

/**
 * A syntactically valid channel name (DESIGN §2): {@code namespace:part[:part...]}, or a bare
 * namespace. Whether the namespace is configured, and may be bare, is the channel core's decision.
 */
public record ChannelName(String value, String namespace, boolean bare) {

    public static final int MAX_LENGTH = 255;

    private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.@-]{1,128}");

    public static ChannelName parse(String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidInputException(ErrorCode.BAD_CHANNEL, "Channel name is missing");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidInputException(ErrorCode.BAD_CHANNEL,
                    "Channel name is longer than " + MAX_LENGTH + " characters");
        }
        String[] parts = value.split(":", -1);
        if (!NAMESPACE.matcher(parts[0]).matches()) {
            throw bad(value, "the namespace must match " + NAMESPACE.pattern());
        }
        for (int i = 1; i < parts.length; i++) {
            if (!PART.matcher(parts[i]).matches()) {
                throw bad(value, "each part after the namespace must match " + PART.pattern());
            }
        }
        return new ChannelName(value, parts[0], parts.length == 1);
    }

    private static InvalidInputException bad(String value, String why) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
        return new InvalidInputException(ErrorCode.BAD_CHANNEL,
                "Channel name '" + shown.replaceAll("[\\p{Cntrl}]", "?") + "' is invalid: " + why);
    }

    @Override
    public String toString() {
        return value;
    }
}
