package io.realtime.gateway.event;

/**
 * A channel event id. Two forms (DESIGN §3):
 * <ul>
 *   <li>{@code <ms>-<seq>}, a <em>cluster</em> id: the form of a Redis stream entry id, so that local
 *       and Redis mode hand clients the same kind of id. Ordered by (ms, seq); the channel core
 *       gives each subscriber only cluster ids above the last one it got.</li>
 *   <li>{@code <ms>-<seq>~<localMs>-<localSeq>}, a <em>local</em> id: an event a cluster instance
 *       delivered only to its own subscribers while Redis was unreachable. Its first part is the
 *       channel's cluster position on that instance when it was made (every cluster event up to it
 *       had been fired there, none after), its second the instance's clock and counter. Redis
 *       history cannot place it, so the core orders it apart: it passes without moving a
 *       subscriber's last cluster id, and cluster events published meanwhile elsewhere, below it by
 *       the clock, still reach that subscriber when the instance catches up from the stream.</li>
 * </ul>
 * {@link #compareTo} is a total order for sorting (cluster part first, then the local part, none
 * before any); only ids of one form are meaningfully "after" one another.
 */
public record EventId(long ms, long seq, long localMs, long localSeq) implements Comparable<EventId> {

    public static final EventId ZERO = new EventId(0, 0);

    /** {@link #localMs} and {@link #localSeq} of a cluster id. */
    private static final long NONE = -1;
    private static final char LOCAL = '~';

    public EventId {
        if (ms < 0 || seq < 0) {
            throw new IllegalArgumentException("negative id part");
        }
        if ((localMs == NONE) != (localSeq == NONE) || localMs < NONE || localSeq < NONE) {
            throw new IllegalArgumentException("bad local part");
        }
    }

    /** A cluster id. */
    public EventId(long ms, long seq) {
        this(ms, seq, NONE, NONE);
    }

    /** A local id made at cluster position {@code at}, with local part {@code local} (a cluster-form id). */
    public static EventId local(EventId at, EventId local) {
        return new EventId(at.ms, at.seq, local.ms, local.seq);
    }

    /** Parses a client-supplied id; anything but one of the two forms is {@code bad_since}. */
    public static EventId parse(String text) {
        if (text == null) {
            throw new InvalidInputException(ErrorCode.BAD_SINCE, "Missing event id");
        }
        int tilde = text.indexOf(LOCAL);
        if (tilde < 0) {
            return parsePart(text, 0, text.length(), text);
        }
        EventId at = parsePart(text, 0, tilde, text);
        EventId local = parsePart(text, tilde + 1, text.length(), text);
        return local(at, local);
    }

    /** True for an id made while Redis was unreachable, delivered on one instance only. */
    public boolean isLocal() {
        return localMs != NONE;
    }

    /** The cluster part: this id itself for a cluster id, the position a local id was made at. */
    public EventId cluster() {
        return isLocal() ? new EventId(ms, seq) : this;
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
        c = c != 0 ? c : Long.compare(seq, o.seq);
        c = c != 0 ? c : Long.compare(localMs, o.localMs);
        return c != 0 ? c : Long.compare(localSeq, o.localSeq);
    }

    @Override
    public String toString() {
        return isLocal() ? ms + "-" + seq + LOCAL + localMs + "-" + localSeq : ms + "-" + seq;
    }

    private static EventId parsePart(String text, int from, int to, String whole) {
        int dash = text.indexOf('-', from);
        if (dash <= from || dash >= to - 1 || dash - from > 19 || to - dash - 1 > 19) {
            throw malformed(whole);
        }
        try {
            return new EventId(parseUnsigned(text, from, dash), parseUnsigned(text, dash + 1, to));
        } catch (NumberFormatException e) {
            throw malformed(whole);
        }
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
                "Event id '" + shown + "' is not of the form <ms>-<seq> (or <ms>-<seq>~<ms>-<seq>)");
    }
}
