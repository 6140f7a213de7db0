package io.realtime.gateway.web;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Whether a request may start work that costs money (an AI council evaluation, DESIGN §7): only one
 * that a page on another site cannot make. {@link CorsFilter} lets every cross-site GET through (the
 * browser keeps the answer from the page), but the request itself still arrives, with the visitor's
 * cookie: an {@code <img>} or a cross-site EventSource would start a paid evaluation. So a request
 * passes only when it shows where it comes from, in a way a page cannot forge:
 * <ul>
 * <li>an {@code Origin} that {@link AllowedOrigins} allows (the gateway's own pages, the listed ones);
 * <li>with no {@code Origin}, {@code Sec-Fetch-Site: same-origin} (or {@code none}: typed by the
 *     user); browsers set it on every request and pages cannot (a same-origin EventSource sends no
 *     {@code Origin} but does send this);
 * <li>with neither, a POST (every browser sends {@code Origin} on a POST, so this is no browser's), or
 *     a GET with an {@code Authorization} header (a page can add one only through a preflight, which
 *     {@link CorsFilter} refuses to origins not allowed).
 * </ul>
 * Anything else (a cross-site or unlabelled GET carrying at most a cookie) is refused with 403
 * {@code forbidden} before any work is done.
 */
@ApplicationScoped
public class CostlyWork {

    private AllowedOrigins origins;

    protected CostlyWork() {
        // for the CDI proxy
    }

    @Inject
    public CostlyWork(AllowedOrigins origins) {
        this.origins = origins;
    }

    /** @throws InvalidInputException {@code forbidden} when a page on another site could have made the request */
    public void checkMayStart(HttpServletRequest request) {
        if (!mayStart(request)) {
            throw new InvalidInputException(ErrorCode.FORBIDDEN, "An evaluation costs money, so it starts only from"
                    + " this gateway's own pages or an allowed origin (gateway.allowed-origins), or from a POST or a"
                    + " request with an Authorization header; a cross-site request cannot start one (DESIGN §7)");
        }
    }

    boolean mayStart(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return origins.allows(request);
        }
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return "same-origin".equalsIgnoreCase(site.trim()) || "none".equalsIgnoreCase(site.trim());
        }
        if ("POST".equals(request.getMethod())) {
            return true;
        }
        String authorization = request.getHeader("Authorization");
        return authorization != null && !authorization.isBlank();
    }
}
