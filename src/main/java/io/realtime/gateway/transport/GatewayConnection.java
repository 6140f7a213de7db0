package io.realtime.gateway.transport;

import java.util.concurrent.CompletionStage;

/** A client connection, as the registry, the heartbeat and the shutdown see it. */
public interface GatewayConnection {

    Transport transport();

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
}
