package io.realtime.gateway.event;

/**
 * A channel event id, {@code <ms>-<seq>}: the form of a Redis stream entry id, so that local and
 * Redis mode hand clients the same kind of id. Ordered by (ms, seq).
 */
public record EventId(long ms, long seq) implements Comparable<EventId> {

    public static final EventId ZERO = new EventId(0, 0);

    public EventId {
        if (ms < 0 || seq < 0) {
            throw new IllegalArgumentException("negative id part");
        }
    }

    /** Parses a client-supplied id; anything but two unsigned decimal integers is {@code bad_since}. */
    public static EventId parse(String text) {
        if (text == null) {
            throw new InvalidInputException(ErrorCode.BAD_SINCE, "Missing event id");
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1 || dash > 19 || text.length() - dash - 1 > 19) {
            throw malformed(text);
        }
        try {
            return new EventId(parseUnsigned(text, 0, dash), parseUnsigned(text, dash + 1, text.length()));
        } catch (NumberFormatException e) {
            throw malformed(text);
        }
    }

    /** The id that follows {@code this} for an event published at {@code nowMs}: never smaller, never equal. */
    public EventId next(long nowMs) {
        return nowMs > ms ? new EventId(nowMs, 0) : new EventId(ms, seq + 1);
    }

    public boolean isAfter(EventId other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(EventId o) {
        int c = Long.compare(ms, o.ms);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
        return ms + "-" + seq;
    }

    private static long parseUnsigned(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException();
            }
        }
        long v = Long.parseLong(s, from, to, 10);
        if (v < 0) {
            throw new NumberFormatException();
        }
        return v;
    }

    private static InvalidInputException malformed(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return new InvalidInputException(ErrorCode.BAD_SINCE,
                "Event id '" + shown + "' is not of the form <ms>-<seq>");
    }
}
