package io.realtime.gateway.routes;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.sse.SseDocs;
import io.realtime.gateway.sse.SseStreams;
import io.realtime.gateway.sse.StreamOptions;
import io.realtime.gateway.stream.job.JobDeriver;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import io.realtime.gateway.api.Problem;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
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
import java.util.Set;

/**
 * The seed's stream routes (DESIGN §5), thin SSE aliases of one channel each: the subject's latest
 * state first (its last event), then live updates; a client that sends {@code Last-Event-ID} resumes
 * from it instead. Each route is its own root resource so that it outranks the generic
 * {@code /api/stream}.
 */
public final class SeedRoutes {

    private static final StreamOptions SNAPSHOT_FIRST = new StreamOptions(StreamOptions.Start.LATEST, Set.of());
    private static final StreamOptions JOB = new StreamOptions(StreamOptions.Start.LATEST, Set.of(JobDeriver.COMPLETED, JobDeriver.FAILED));

    private SeedRoutes() {
    }

    /** What the three aliases share: the channel, the resume id, the stream. */
    abstract static class Alias {

        private final ChannelManager core;
        private final SseStreams streams;

        Alias(ChannelManager core, SseStreams streams) {
            this.core = core;
            this.streams = streams;
        }

        void open(String channel, String header, String param, HttpServletRequest request,
                  HttpServletResponse response, SseEventSink sink, StreamOptions options) {
            String resume = header != null && !header.isBlank() ? header : param;
            streams.open(core.channel(channel), resume, sink, request, response, options);
        }
    }

    /** {@code GET /api/stream/render-progress/{jobId}}: the job's state, its frames, and the end with the job. */
    @Path("/stream/render-progress/{jobId}")
    @RequestScoped
    public static class RenderProgress extends Alias {

        protected RenderProgress() {
            super(null, null);
        }

        @Inject
        public RenderProgress(ChannelManager core, SseStreams streams) {
            super(core, streams);
        }

        @Tag(name = "streams")
        @Operation(summary = "A job's progress over SSE", description = "The job's current state (a finished job: its last event), then its frames with progress, fps and ETA; ends after job_completed or job_failed.")
        @APIResponse(responseCode = "200", description = "The stream of job:{jobId}: event: job_progress (first the job's state: its last event; "
                + "then each frame, with status, progress, fps and etaSeconds), any other event published "
                + "on the channel, and finally event: job_completed or event: job_failed, after which the "
                + "stream ends." + SseDocs.CONTROL_EVENTS,
                content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
        @APIResponse(responseCode = "400", description = "The job id is not a valid channel name part, or a bad resume id",
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "401", description = SseDocs.UNAUTHORIZED,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "403", description = SseDocs.FORBIDDEN,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "429", description = SseDocs.LIMIT,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "503", description = SseDocs.STOPPING,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void stream(@PathParam("jobId") String jobId, @HeaderParam("Last-Event-ID") String header,
                           @QueryParam("lastEventId") String param, @Context HttpServletRequest request,
                           @Context HttpServletResponse response,
                           @Context SseEventSink sink) {
            open("job:" + jobId, header, param, request, response, sink, JOB);
        }
    }

    /** {@code GET /api/stream/campaign-metrics/{campaignId}}: the latest snapshot, then live updates. */
    @Path("/stream/campaign-metrics/{campaignId}")
    @RequestScoped
    public static class CampaignMetrics extends Alias {

        protected CampaignMetrics() {
            super(null, null);
        }

        @Inject
        public CampaignMetrics(ChannelManager core, SseStreams streams) {
            super(core, streams);
        }

        @Tag(name = "streams")
        @Operation(summary = "A campaign's metrics over SSE", description = "The latest metrics_update, then live ones (DESIGN §10).")
        @APIResponse(responseCode = "200", description = "The stream of campaign:{campaignId}: event: metrics_update (first the latest, then each "
                + "update, with ctr, cpc, cpm and conversion rate, each with its delta and direction), and "
                + "any other event published on the channel." + SseDocs.CONTROL_EVENTS,
                content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
        @APIResponse(responseCode = "400", description = "The campaign id is not a valid channel name part, or a bad resume id",
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "401", description = SseDocs.UNAUTHORIZED,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "403", description = SseDocs.FORBIDDEN,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "429", description = SseDocs.LIMIT,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "503", description = SseDocs.STOPPING,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void stream(@PathParam("campaignId") String campaignId, @HeaderParam("Last-Event-ID") String header,
                           @QueryParam("lastEventId") String param, @Context HttpServletRequest request,
                           @Context HttpServletResponse response,
                           @Context SseEventSink sink) {
            open("campaign:" + campaignId, header, param, request, response, sink, SNAPSHOT_FIRST);
        }
    }

    /** {@code GET /api/stream/ab-test-results/{testId}}: the latest results, then live updates. */
    @Path("/stream/ab-test-results/{testId}")
    @RequestScoped
    public static class AbTestResults extends Alias {

        protected AbTestResults() {
            super(null, null);
        }

        @Inject
        public AbTestResults(ChannelManager core, SseStreams streams) {
            super(core, streams);
        }

        @Tag(name = "streams")
        @Operation(summary = "An A/B test's results over SSE", description = "The latest ab_test_update, then live ones (DESIGN §10).")
        @APIResponse(responseCode = "200", description = "The stream of abtest:{testId}: event: ab_test_update (first the latest, then each "
                + "update, with each variant's rate, lift, 95% interval and p-value, and the winner once "
                + "significant), and any other event published on the channel." + SseDocs.CONTROL_EVENTS,
                content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
        @APIResponse(responseCode = "400", description = "The test id is not a valid channel name part, or a bad resume id",
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "401", description = SseDocs.UNAUTHORIZED,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "403", description = SseDocs.FORBIDDEN,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "429", description = SseDocs.LIMIT,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @APIResponse(responseCode = "503", description = SseDocs.STOPPING,
                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void stream(@PathParam("testId") String testId, @HeaderParam("Last-Event-ID") String header,
                           @QueryParam("lastEventId") String param, @Context HttpServletRequest request,
                           @Context HttpServletResponse response,
                           @Context SseEventSink sink) {
            open("abtest:" + testId, header, param, request, response, sink, SNAPSHOT_FIRST);
        }
    }
}
