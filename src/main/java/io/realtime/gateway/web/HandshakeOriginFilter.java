package io.realtime.gateway.web;

import io.realtime.gateway.transport.Rejections;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Refuses a WebSocket handshake from an origin {@link AllowedOrigins} does not allow (DESIGN §7), with
 * a 403 problem, so a page on another site cannot use a visitor's cookies against the gateway.
 *
 * <p>Mapped to every path, not to {@code /ws} alone: the container routes {@code /ws/}, {@code /ws//},
 * {@code //ws/}, {@code /ws;x=1/}, {@code /./ws/} and more to the same endpoint, and a filter spelled
 * for one of them let the others through. Any request that asks for an upgrade is checked, whatever
 * its path; the endpoint's configurator checks again ({@code websocket.HandshakeCredentials}), so
 * neither alone holds the line.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class HandshakeOriginFilter extends HttpFilter {

    @Inject
    AllowedOrigins origins;

    @Inject
    Rejections rejections;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getHeader("Upgrade") != null && !origins.allows(request)) {
            OriginRefusal.refuse(request, response, rejections, "websocket",
                    "Origin " + request.getHeader("Origin") + " is not allowed");
            return;
        }
        chain.doFilter(request, response);
    }
}
