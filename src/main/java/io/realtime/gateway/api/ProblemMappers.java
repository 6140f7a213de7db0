package io.realtime.gateway.api;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.UnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every failure of the HTTP API becomes a problem document; none shows a stack trace. */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    @Provider
    public static class InvalidInput implements ExceptionMapper<InvalidInputException> {
        @Override
        public Response toResponse(InvalidInputException e) {
            if (e instanceof io.realtime.gateway.event.LimitException limit) {
                return Problem.limit(limit, 1);
            }
            return Problem.of(e.code(), e.getMessage());
        }
    }

    @Provider
    public static class Unavailable implements ExceptionMapper<UnavailableException> {
        @Override
        public Response toResponse(UnavailableException e) {
            return Problem.of(ErrorCode.UNAVAILABLE, e.getMessage());
        }
    }

    @Provider
    public static class ShuttingDown implements ExceptionMapper<io.realtime.gateway.transport.ShuttingDownException> {
        @Override
        public Response toResponse(io.realtime.gateway.transport.ShuttingDownException e) {
            return Response.fromResponse(Problem.of(ErrorCode.UNAVAILABLE, e.getMessage()))
                    .header("Retry-After", "1").build();
        }
    }

    /** JAX-RS's own refusals: no route (404), wrong method (405), media types (406, 415). */
    @Provider
    public static class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Response original = e.getResponse();
            int status = original == null ? 500 : original.getStatus();
            Response.StatusType type = Response.Status.fromStatusCode(status);
            String title = type == null ? "Error" : type.getReasonPhrase();
            String code = title.toLowerCase(java.util.Locale.ROOT).replace(' ', '_');
            if (status >= 500) {
                LOG.log(Level.WARNING, "request failed", e);
                return Problem.of(status, code, title, null);
            }
            Response problem = Problem.of(status, code, title, detail(status));
            if (original != null && original.getHeaderString("Allow") != null) {
                return Response.fromResponse(problem).header("Allow", original.getHeaderString("Allow")).build();
            }
            return problem;
        }
    }

    /** Our words, not the JAX-RS implementation's (whose messages name its internals). */
    private static String detail(int status) {
        return switch (status) {
            case 404 -> "There is no resource at this path; the API is described in the README";
            case 405 -> "This resource does not support that method; see the Allow header";
            case 406 -> "This resource cannot produce any of the media types the request accepts";
            case 415 -> "Send the body as application/json";
            default -> null;
        };
    }

    /** Anything unexpected: logged here, a plain 500 problem for the client. */
    @Provider
    public static class Unexpected implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected failure", e);
            return Problem.of(500, "internal_error", "Internal Server Error",
                    "The gateway failed to handle this request; it has been logged.");
        }
    }
}
