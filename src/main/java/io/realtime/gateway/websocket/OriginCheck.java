package io.realtime.gateway.websocket;

import jakarta.websocket.server.ServerEndpointConfig;

/**
 * The endpoint's configurator. Which origins may open a WebSocket (DESIGN §6-7) is decided before the
 * upgrade, by {@code web.HandshakeOriginFilter} on {@code /ws}, with the list behind CORS
 * ({@code gateway.allowed-origins}): the default allows a page of the gateway's own origin, which takes
 * the request's Host header, and {@link #checkOrigin} is given the Origin alone. A handshake that
 * reaches the endpoint has passed that filter, so every origin passes here.
 */
public class OriginCheck extends ServerEndpointConfig.Configurator {

    @Override
    public boolean checkOrigin(String origin) {
        return true;
    }
}
