package io.realtime.gateway.transport;

import java.util.concurrent.CompletionStage;

/** A client connection, as the registry, the heartbeat and the shutdown see it. */
public interface GatewayConnection {

    Transport transport();

    /** Sends the transport's keep-alive; also how a connection that went away is noticed. */
    void heartbeat(long nowMs);

    /** Server stop: flushes what is queued, says goodbye, closes. Completes when done. */
    CompletionStage<Void> shutdown();
}
