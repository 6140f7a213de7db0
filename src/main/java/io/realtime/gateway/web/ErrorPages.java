package io.realtime.gateway.web;

import io.realtime.gateway.event.JsonFactories;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every error the container answers itself (no route, a static file not found, a method a servlet
 * does not serve, an exception that escaped) as a problem document (RFC 9457, DESIGN §7), the same
 * shape the API's problems have, never the container's default page: that one named Java classes
 * and message ids ({@code SRVE0190E}, {@code java.io.FileNotFoundException}), which tell an attacker
 * what runs here. web.xml sends every error page here. An exception is logged for the operator; the
 * client hears only that the server failed.
 */
@WebServlet(urlPatterns = ErrorPages.PATH, asyncSupported = true)
public class ErrorPages extends HttpServlet {

    static final String PATH = "/_error";
    private static final Logger LOG = Logger.getLogger(ErrorPages.class.getName());

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Asked for directly (not as an error page): there is nothing here.
        int status = statusAttribute instanceof Integer s ? s : HttpServletResponse.SC_NOT_FOUND;
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable error) {
            if (notFound(error)) {
                // How the container's file server says a static file is not there.
                status = HttpServletResponse.SC_NOT_FOUND;
            } else if (badUri(error)) {
                // The container refusing the URI itself (an encoded slash, %2F): the client's input.
                status = HttpServletResponse.SC_BAD_REQUEST;
            } else {
                LOG.log(Level.WARNING, "request failed", error);
                status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
            }
        }
        write(response, status);
    }

    private static boolean notFound(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // SRVE0190E: the container's "file not found", also thrown without the exception (WEB-INF/).
            if (t instanceof java.io.FileNotFoundException
                    || t.getMessage() != null && t.getMessage().contains("SRVE0190E")) {
                return true;
            }
        }
        return false;
    }

    /** Liberty's message id for a request URI it will not decode (CWWWC0005I). */
    private static boolean badUri(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("CWWWC0005I")) {
                return true;
            }
        }
        return false;
    }

    static void write(HttpServletResponse response, int status) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        String title = title(status);
        String code = status >= 500 ? "internal" : title.toLowerCase(Locale.ROOT).replace(' ', '_');
        JsonObjectBuilder body = JsonFactories.object()
                .add("type", "urn:realtime-gateway:problem:" + code)
                .add("title", title)
                .add("status", status)
                .add("code", code);
        byte[] bytes = body.build().toString().getBytes(StandardCharsets.UTF_8);
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
