package io.realtime.gateway.websocket;

import io.realtime.gateway.event.LogText;
import io.realtime.gateway.security.Credentials;
import io.realtime.gateway.web.AllowedOrigins;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps what the handshake presented for the connection (DESIGN §7): its Authorization and Cookie
 * headers, an {@code access_token} query parameter and the client's address. WebSocket 2.1 gives
 * each handshake its own copy of the user properties, which become the session's, so the endpoint
 * reads them when the connection opens. The endpoint's only configurator.
 */
public class HandshakeCredentials extends ServerEndpointConfig.Configurator {

    static final String KEY = Credentials.class.getName();
    private static final Logger LOG = Logger.getLogger(HandshakeCredentials.class.getName());

    /**
     * The origin check of DESIGN §7, made here as well as in {@code web.HandshakeOriginFilter}: this is
     * the one place every handshake the container routes to the endpoint passes, whatever path
     * spelling brought it. The same-origin default needs the Host the page was loaded from, which the
     * upgrade's {@link HttpServletRequest} (served by CDI during the handshake) gives; without it only
     * the configured origins pass. A refusal here is the container's 403.
     */
    @Override
    public boolean checkOrigin(String origin) {
        if (origin == null) {
            return true;
        }
        AllowedOrigins allowed = CDI.current().select(AllowedOrigins.class).get();
        HttpServletRequest request = handshakeRequest();
        boolean ok = allowed.allows(origin, request == null ? null : AllowedOrigins.ownOrigin(request));
        if (!ok) {
            LOG.info("Refused websocket handshake from origin " + LogText.escape(origin));
        }
        return ok;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        super.modifyHandshake(config, request, response);
        Map<String, List<String>> headers = request.getHeaders();
        List<String> query = request.getParameterMap().get(Credentials.QUERY_PARAMETER);
        config.getUserProperties().put(KEY, new Credentials(header(headers, "Authorization"), header(headers, "Cookie"),
                query == null || query.isEmpty() ? null : query.get(0), remoteAddress()));
    }

    /** A header's values joined (Cookie may come in several), whatever case the container keeps names in. */
    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (name.equalsIgnoreCase(e.getKey()) && e.getValue() != null && !e.getValue().isEmpty()) {
                return String.join("; ", e.getValue());
            }
        }
        return null;
    }

    /**
     * The Jakarta WebSocket API has no way to the client's address; the upgrade is an HTTP request
     * in progress, whose request-scoped {@link HttpServletRequest} CDI still serves here.
     */
    private static String remoteAddress() {
        HttpServletRequest request = handshakeRequest();
        return request == null ? null : request.getRemoteAddr();
    }

    private static HttpServletRequest handshakeRequest() {
        try {
            HttpServletRequest request = CDI.current().select(HttpServletRequest.class).get();
            request.getMethod(); // the proxy answers only while the request is active
            return request;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the handshake's HTTP request is not available", e);
            return null;
        }
    }
}
