package io.realtime.gateway.api;

import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.event.ErrorCode;
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
        JsonObjectBuilder body = JsonFactories.object()
                .add("type", TYPE_BASE + code)
                .add("title", title)
                .add("status", status)
                .add("code", code);
        if (detail != null) {
            body.add("detail", detail);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body.build().toString()).build();
    }
}
