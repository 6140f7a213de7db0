package io.realtime.gateway.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which browser origins may use the gateway (DESIGN §7): the one list behind both the WebSocket
 * handshake check and CORS. {@code gateway.allowed-origins} holds exact origins
 * ({@code https://app.example.com}) separated by commas, or {@code *} for any; empty (the default)
 * means the gateway's own pages only. A page's own origin is always allowed, and a request with no
 * {@code Origin} is not a browser's cross-site request (a service, curl), so it always passes.
 *
 * <p>The request's own origin is its scheme and {@code Host} header, with {@code X-Forwarded-Proto} and
 * {@code X-Forwarded-Host} in their place when a proxy set them. Trusting those is safe here: a page on
 * another site cannot set them on a WebSocket handshake or on a request that skips the preflight, and
 * a client that can set any header is not a browser, which this check is not meant to stop.
 */
@ApplicationScoped
public class AllowedOrigins {

    private Set<String> listed;
    private boolean any;

    protected AllowedOrigins() {
        // for the CDI proxy
    }

    @Inject
    public AllowedOrigins(@ConfigProperty(name = "gateway.allowed-origins") Optional<String> configured) {
        this(configured.orElse(""));
    }

    /** @param configured the setting's value: comma-separated origins, {@code *}, or empty */
    public AllowedOrigins(String configured) {
        this.listed = Arrays.stream(configured.split(","))
                .map(AllowedOrigins::normalise).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.any = listed.contains("*");
    }

    /** Whether the request may go on: no Origin, its own origin, or one the setting allows. */
    public boolean allows(HttpServletRequest request) {
        return allows(request.getHeader("Origin"), ownOrigin(request));
    }

    /**
     * @param origin    the request's {@code Origin} header, null if it had none
     * @param ownOrigin the origin the request was addressed to ({@link #ownOrigin}), null if unknown
     */
    public boolean allows(String origin, String ownOrigin) {
        if (origin == null) {
            return true;
        }
        String o = normalise(origin);
        return any || listed.contains(o) || o.equals(ownOrigin);
    }

    /** {@code scheme://host[:port]} the request was addressed to, the default port left out as browsers do. */
    public static String ownOrigin(HttpServletRequest request) {
        String scheme = first(request.getHeader("X-Forwarded-Proto"));
        if (scheme == null) {
            scheme = request.getScheme();
        }
        String host = first(request.getHeader("X-Forwarded-Host"));
        if (host == null) {
            host = request.getHeader("Host");
        }
        return host == null || host.isBlank() ? null : ownOrigin(scheme, host);
    }

    static String ownOrigin(String scheme, String host) {
        String s = scheme.toLowerCase(Locale.ROOT);
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (s.equals("http") && h.endsWith(":80") || s.equals("https") && h.endsWith(":443")) {
            h = h.substring(0, h.lastIndexOf(':'));
        }
        return s + "://" + h;
    }

    private static String first(String header) {
        if (header == null) {
            return null;
        }
        int comma = header.indexOf(',');
        String value = (comma < 0 ? header : header.substring(0, comma)).trim();
        return value.isEmpty() ? null : value;
    }

    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        while (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        return o;
    }
}
