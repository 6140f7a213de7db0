package io.realtime.gateway.api;

import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.LimitException;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

/** RFC 9457 problem responses: what every error of the HTTP API looks like. */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "urn:realtime-gateway:problem:";

    private Problem() {
    }

    public static Response of(ErrorCode code, String detail) {
        return of(code.httpStatus(), code.wire(), code.title(), detail);
    }

    public static Response of(int status, String code, String title, String detail) {
        return of(status, code, title, detail, null);
    }

    /**
     * A limit's problem carries the limit's name ({@code "limit":"publish_rate"}), which the
     * rejection filter counts by; a rate limit also says when to retry.
     */
    public static Response limit(LimitException e, long retryAfterSeconds) {
        Response problem = of(e.code().httpStatus(), e.code().wire(), e.code().title(), e.getMessage(), e.limit());
        return retryAfterSeconds > 0 && e.code() == ErrorCode.LIMIT
                ? Response.fromResponse(problem).header("Retry-After", String.valueOf(retryAfterSeconds)).build()
                : problem;
    }

    private static Response of(int status, String code, String title, String detail, String limit) {
        JsonObjectBuilder body = JsonFactories.object()
                .add("type", TYPE_BASE + code)
                .add("title", title)
                .add("status", status)
                .add("code", code);
        if (detail != null) {
            body.add("detail", detail);
        }
        if (limit != null) {
            body.add("limit", limit);
        }
        Response.ResponseBuilder response = Response.status(status);
        if (status == 401) {
            // RFC 6750: the scheme the client should authenticate with.
            response.header("WWW-Authenticate", "Bearer realm=\"realtime-gateway\"");
        }
        return response.type(MEDIA_TYPE).entity(body.build().toString()).build();
    }
}
