package io.realtime.gateway.api;

import io.realtime.gateway.event.EnvelopeCodec;
import io.realtime.gateway.observability.GatewayStats;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

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
    @Tag(name = "operations")
    @Operation(summary = "The gateway's state", description = "Connections, subscriptions, channels, event totals "
            + "and the broker's state of this instance, for the dashboard and for people (Prometheus: /metrics).")
    @APIResponse(responseCode = "200", description = "A snapshot",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = GatewayStats.Snapshot.class)))
    public String stats() {
        return codec.toJson(stats.snapshot());
    }
}
