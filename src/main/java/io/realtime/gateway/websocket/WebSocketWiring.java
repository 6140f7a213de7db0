package io.realtime.gateway.websocket;

/**
 * What every WebSocket connection shares beyond the transports' common wiring
 * ({@link io.realtime.gateway.transport.ConnectionContext}): its frames, its guards and its limits.
 *
 * @param pingIntervalMs   protocol pings this often; a client silent for two intervals is closed
 * @param maxSubscriptions channels one connection may hold
 * @param maxMessageBytes  the largest message a client may send (1009 above it)
 */
record WebSocketWiring(WebSocketFrames frames, ConnectionGuards guards, long pingIntervalMs, int maxSubscriptions,
                       int maxMessageBytes) {
}
