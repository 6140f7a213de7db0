package io.realtime.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;

/**
 * What a request or WebSocket handshake presents (DESIGN §7): its {@code Authorization} header, its
 * {@code Cookie} headers, an {@code access_token} query parameter, and the client's address (for
 * per-address limits). Any may be null.
 */
public record Credentials(String authorization, String cookies, String queryToken, String address) {

    public static final String QUERY_PARAMETER = "access_token";

    public static Credentials of(HttpServletRequest request) {
        StringBuilder cookies = null;
        for (Enumeration<String> e = request.getHeaders("Cookie"); e != null && e.hasMoreElements(); ) {
            String header = e.nextElement();
            cookies = cookies == null ? new StringBuilder(header) : cookies.append("; ").append(header);
        }
        return new Credentials(request.getHeader("Authorization"), cookies == null ? null : cookies.toString(),
                queryParameter(request.getQueryString(), QUERY_PARAMETER), request.getRemoteAddr());
    }

    /** The bearer token of the Authorization header; "" when the header is there but no bearer token. */
    String bearer() {
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        String value = authorization.trim();
        return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : "";
    }

    /** The named cookie's value, or null. */
    String cookie(String name) {
        if (cookies == null) {
            return null;
        }
        for (String pair : cookies.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                String value = pair.substring(eq + 1).trim();
                return value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1) : value;
            }
        }
        return null;
    }

    /** A query string's parameter, read without touching a form body (the servlet's getParameter would). */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
