package io.realtime.gateway.metrics;

import java.util.Locale;

/** Why events meant for a client were not written to it: the {@code reason} of the dropped counter. */
public enum DropReason {
    /** The client read too slowly: its queue passed its bound and it was cut off. */
    SLOW,
    /** The client went away (closed, stopped answering, a write failed) with events still queued. */
    GONE,
    /** The client broke a limit (a message over the size limit) and was closed. */
    LIMIT,
    /** The server stopped with events still queued past the drain time. */
    SHUTDOWN,
    /** The connection's token expired or was revoked with events still queued. */
    AUTH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
