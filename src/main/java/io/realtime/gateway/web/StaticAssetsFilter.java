package io.realtime.gateway.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Cache headers for the dashboard's static files. Its bundle and styles are named by their content
 * ({@code assets/dashboard-<hash>.js}, client/build-web.mjs), so a browser may keep them for a year
 * without asking again; the page that names them ({@code /}, {@code /index.html}) is revalidated on
 * every load, so a new build is picked up at once. Everything else (the API, the streams) is left
 * alone. Compression is the HTTP endpoint's (server.xml).
 */
@WebFilter(urlPatterns = {"/assets/*", "/index.html", "/"}, asyncSupported = true)
public class StaticAssetsFilter extends HttpFilter {

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/assets/")) {
            response.setHeader("Cache-Control", IMMUTABLE);
        } else if (path.isEmpty() || "/".equals(path) || "/index.html".equals(path)) {
            response.setHeader("Cache-Control", REVALIDATE);
        }
        chain.doFilter(request, response);
    }
}
