package io.realtime.gateway.routes;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.config.StreamRoute;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.sse.SseStreams;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The declared product streams' routes (DESIGN §5, {@code gateway.routes}), thin SSE aliases of one
 * channel each: {@code GET /api/stream/<route>/{id}} streams the route's channel, starting and ending
 * as its declaration says; a client that sends {@code Last-Event-ID} resumes from it instead. One
 * root resource serves them all; its literal {@code /stream/} prefix outranks the generic
 * {@code /api/stream}, and the council's routes, with more literal characters, outrank it. The
 * OpenAPI document gets one operation per declared route from {@link RouteDocs}, so this method is
 * hidden there.
 */
@Path("/stream/{route}/{id}")
@RequestScoped
public class SeedRoutes {

    private ChannelManager core;
    private SseStreams streams;
    private GatewayConfig config;

    protected SeedRoutes() {
        // for the CDI proxy
    }

    @Inject
    public SeedRoutes(ChannelManager core, SseStreams streams, GatewayConfig config) {
        this.core = core;
        this.streams = streams;
        this.config = config;
    }

    @Operation(hidden = true)
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@PathParam("route") String name, @PathParam("id") String id,
                       @HeaderParam("Last-Event-ID") String header, @QueryParam("lastEventId") String param,
                       @Context HttpServletRequest request, @Context HttpServletResponse response,
                       @Context SseEventSink sink) {
        StreamRoute route = config.routes().get(name);
        if (route == null) {
            throw new InvalidInputException(ErrorCode.NOT_FOUND, "No stream route '" + name + "'");
        }
        String resume = header != null && !header.isBlank() ? header : param;
        streams.open(core.channel(route.channel(id)), resume, sink, request, response, route.options());
    }
}
