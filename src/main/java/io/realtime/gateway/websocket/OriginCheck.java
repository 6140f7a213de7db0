package io.realtime.gateway.websocket;

import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses WebSocket handshakes from origins not allowed (DESIGN §6), so a page on another site
 * cannot use a visitor's cookies against the gateway. {@code gateway.ws.allowed-origins} is a
 * comma-separated list, or {@code *} for any. Requests without an Origin (services, not browsers)
 * pass. The WebSocket container creates this class, hence the programmatic config lookup.
 */
public class OriginCheck extends ServerEndpointConfig.Configurator {

    private final Set<String> allowed = Arrays.stream(ConfigProvider.getConfig()
                    .getValue("gateway.ws.allowed-origins", String.class).split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());

    @Override
    public boolean checkOrigin(String origin) {
        return origin == null || allowed.contains("*") || allowed.contains(origin);
    }
}
