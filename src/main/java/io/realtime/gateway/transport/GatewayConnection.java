package io.realtime.gateway.transport;

import io.realtime.gateway.security.Caller;
import java.util.concurrent.CompletionStage;

/** A client connection, as the registry, the heartbeat and the shutdown see it. */
public interface GatewayConnection {

    Transport transport();

    /** Who the connection acts for: its token's subject, or anonymous. */
    Caller caller();

    /** When the connection opened (epoch ms): a disconnect replayed later ends only those older than it. */
    default long openedAtMs() {
        return 0;
    }

    /** The client's address, for per-address limits; null when the transport cannot tell. */
    String address();

    /** Sends the transport's keep-alive; also how a connection that went away is noticed. */
    void heartbeat(long nowMs);

    /**
     * Server stop, first step: queues the transport's goodbye, if it has one, and completes once
     * everything queued is written (or the connection failed). Does not close.
     */
    CompletionStage<Void> shutdown();

    /** Server stop, last step, once every connection drained or the drain time ran out. */
    void closeForShutdown();

    /** Ends the connection after a failure of the server's own (e.g. its heartbeat threw). */
    void closeForFailure(String detail);

    /** Ends the connection because its token expired or was revoked (WebSocket 1008; SSE ends). */
    void closeForAccess(String detail);
}
