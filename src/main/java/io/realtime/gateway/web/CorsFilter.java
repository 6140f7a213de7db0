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
 * CORS for the HTTP API and the SSE streams (everything under {@code /api}, DESIGN §7), for the origins
 * {@link AllowedOrigins} allows and no others. Credentials are allowed (browsers authenticate with a
 * cookie), so the origin is echoed, never {@code *}. A preflight is answered here: 204 for an allowed
 * origin, 403 problem for another. A request that changes something (POST, DELETE, ...) from an
 * origin not allowed is refused the same way: a form on another site could otherwise post with the
 * visitor's cookie (a "simple" request needs no preflight), e.g. start a council evaluation. A GET
 * goes on; from an origin not allowed it gets no CORS header, so the browser keeps the answer from
 * the page.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class CorsFilter extends HttpFilter {

    static final String ALLOW_METHODS = "GET, POST, DELETE";
    static final String ALLOW_HEADERS = "Authorization, Content-Type, Last-Event-ID, Idempotency-Key";
    static final String EXPOSE_HEADERS = "Location, Retry-After, X-Evaluation-Id";
    /** How long a browser may reuse a preflight's answer, in seconds. */
    static final String MAX_AGE = "600";

    @Inject
    AllowedOrigins origins;

    @Inject
    Rejections rejections;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        boolean preflight = origin != null && "OPTIONS".equals(request.getMethod())
                && request.getHeader("Access-Control-Request-Method") != null;
        // The answer depends on the Origin (with or without one), so no cache may hand one origin's
        // answer to another.
        response.addHeader("Vary", preflight
                ? "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" : "Origin");
        if (origin == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean allowed = origins.allows(request);
        if (preflight) {
            if (!allowed) {
                OriginRefusal.refuse(request, response, rejections, "http", "Origin " + origin + " is not allowed");
                return;
            }
            allowOrigin(response, origin);
            response.setHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
            response.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
            response.setHeader("Access-Control-Max-Age", MAX_AGE);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        if (!allowed && !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            OriginRefusal.refuse(request, response, rejections, "http",
                    "Origin " + origin + " is not allowed to " + request.getMethod());
            return;
        }
        if (allowed) {
            allowOrigin(response, origin);
            response.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        }
        chain.doFilter(request, response);
    }

    private static void allowOrigin(HttpServletResponse response, String origin) {
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Credentials", "true");
    }
}
