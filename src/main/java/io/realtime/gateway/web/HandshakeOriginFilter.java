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
 * Refuses a WebSocket handshake on {@code /ws} from an origin {@link AllowedOrigins} does not allow
 * (DESIGN §6), with a 403 problem, so a page on another site cannot use a visitor's cookies against the
 * gateway. It is done here, before the upgrade, because the endpoint's {@code checkOrigin} sees the
 * Origin but not the Host a same-origin page is compared with.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeOriginFilter extends HttpFilter {

    @Inject
    AllowedOrigins origins;

    @Inject
    Rejections rejections;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!origins.allows(request)) {
            OriginRefusal.refuse(request, response, rejections, "websocket",
                    "Origin " + request.getHeader("Origin") + " is not allowed");
            return;
        }
        chain.doFilter(request, response);
    }
}
