package io.realtime.gateway.api;

import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.observability.GatewayStats;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/realtime/stats}: the gateway's state as JSON, for the dashboard and for people. */
@Path("/realtime/stats")
@RequestScoped
public class StatsResource {

    private final GatewayStats stats;
    private final EnvelopeCodec codec;

    protected StatsResource() {
        this(null, null);
    }

    @Inject
    public StatsResource(GatewayStats stats, EnvelopeCodec codec) {
        this.stats = stats;
        this.codec = codec;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String stats() {
        return codec.toJson(stats.snapshot());
    }
}
