package io.realtime.gateway.api;

import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.transport.Rejections;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.io.StringReader;

/**
 * Every problem response of the HTTP API (a refused client, never a server failure) is logged once
 * and counted by its code: the one place all of them pass, whichever mapper or resource made them.
 */
@Provider
@ApplicationScoped
public class RejectionFilter implements ContainerResponseFilter {

    @Context
    HttpServletRequest servletRequest;

    /** Field injection: RESTEasy makes providers through their public no-argument constructor. */
    @Inject
    Rejections rejections;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status < 400 || status >= 500 && status != 503
                || !(response.getEntity() instanceof String body)
                || response.getMediaType() == null
                || !Problem.MEDIA_TYPE.equals(response.getMediaType().getType() + "/" + response.getMediaType().getSubtype())) {
            return;
        }
        String code;
        String detail;
        try (JsonReader reader = JsonFactories.reader(new StringReader(body))) {
            JsonObject problem = reader.readObject();
            code = problem.getString("code", "status_" + status);
            detail = problem.getString("detail", null);
            String limit = problem.getString("limit", null);
            if (limit != null) {
                rejections.limitReached(limit);
            }
        } catch (RuntimeException e) {
            code = "status_" + status;
            detail = null;
        }
        String client = (servletRequest == null ? "?" : servletRequest.getRemoteAddr()) + " "
                + request.getMethod() + " /api/" + request.getUriInfo().getPath(false).replaceFirst("^/", "");
        rejections.refused("http", code, client, detail);
    }
}
