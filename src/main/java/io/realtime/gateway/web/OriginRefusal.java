package io.realtime.gateway.web;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.transport.Rejections;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A request from an origin not allowed, answered 403 with the API's problem document (RFC 9457, the
 * shape of {@code api.Problem}), logged and counted like every refused client.
 */
final class OriginRefusal {

    private OriginRefusal() {
    }

    static void refuse(HttpServletRequest request, HttpServletResponse response, Rejections rejections,
                       String transport, String detail) throws IOException {
        ErrorCode code = ErrorCode.FORBIDDEN;
        byte[] body = JsonFactories.object()
                .add("type", "urn:realtime-gateway:problem:" + code.wire())
                .add("title", code.title())
                .add("status", code.httpStatus())
                .add("code", code.wire())
                .add("detail", detail)
                .build().toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(code.httpStatus());
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        rejections.refused(transport, code.wire(),
                request.getRemoteAddr() + " " + request.getMethod() + " " + request.getRequestURI(), detail);
    }
}
