package io.realtime.gateway.event;

import java.util.Locale;

/** What a publish does when the shared broker is unreachable: the publisher's choice, or the configured one. */
public enum Fallback {
    /** Whatever {@code gateway.redis.fallback} says. */
    CONFIGURED,
    /** Deliver to this instance's subscribers only, and say so. */
    LOCAL,
    /** Refuse ({@link UnavailableException}, a 503). */
    REFUSE;

    /**
     * Reads a publisher's or the configuration's choice: {@code local} or {@code refuse}; null or
     * blank means {@link #CONFIGURED}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Fallback parse(String text) {
        if (text == null || text.isBlank()) {
            return CONFIGURED;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "local" -> LOCAL;
            case "refuse" -> REFUSE;
            default -> throw new IllegalArgumentException("fallback must be 'local' or 'refuse', not '" + text + "'");
        };
    }

    /** This choice, or {@code configured} when the publisher left it to the configuration. */
    public Fallback or(Fallback configured) {
        return this == CONFIGURED ? configured : this;
    }
}
