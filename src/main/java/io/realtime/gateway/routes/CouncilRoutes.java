package io.realtime.gateway.routes;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.sse.SseStreams;
import io.realtime.gateway.sse.StreamOptions;
import io.realtime.gateway.stream.council.CouncilPrompts;
import io.realtime.gateway.stream.council.CouncilService;
import io.realtime.gateway.stream.council.Prompt;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Set;

/**
 * The council's seed routes (DESIGN §5): each request starts an evaluation and streams it until its
 * {@code ai_score}; {@code POST} takes the same fields as a form, for inputs too large for a URL.
 * The evaluation's channel is in the {@code X-Evaluation-Id} header (and in every event), so a
 * second viewer can follow it, from its first token, at {@code /api/stream/council/{evaluationId}}.
 */
public final class CouncilRoutes {

    private static final StreamOptions EVALUATION = new StreamOptions(StreamOptions.Start.BEGINNING,
            Set.of(CouncilService.SCORE));

    private CouncilRoutes() {
    }

    /** Starts an evaluation with a viewer already on its channel, so that it sees every token. */
    abstract static class Starter {

        private final CouncilService council;
        private final SseStreams streams;

        Starter(CouncilService council, SseStreams streams) {
            this.council = council;
            this.streams = streams;
        }

        /** The caller needs the right to subscribe to the evaluation's channel; refused, nothing runs. */
        void start(Prompt prompt, HttpServletRequest request, HttpServletResponse response, SseEventSink sink) {
            ChannelName channel = council.open();
            try {
                response.setHeader("X-Evaluation-Id", channel.value().substring("council:".length()));
                streams.open(channel, null, sink, request, response, EVALUATION);
            } catch (RuntimeException e) {
                council.abandon();
                throw e;
            }
            council.run(channel, prompt);
        }

        int maxChars() {
            return council.settings().maxInputChars();
        }
    }

    /** {@code /api/stream/council-score?videoUrl=&transcript=&features=}: a video ad scored by every configured model. */
    @Path("/stream/council-score")
    @RequestScoped
    public static class CouncilScore extends Starter {

        protected CouncilScore() {
            super(null, null);
        }

        @Inject
        public CouncilScore(CouncilService council, SseStreams streams) {
            super(council, streams);
        }

        @Tag(name = "council")
        @Operation(summary = "Score a video ad with the AI council", description = "Streams ai_token, ai_model_done, ai_error and a final ai_score; X-Evaluation-Id names the evaluation. 503 with no provider configured.")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200", ref = "CouncilStream")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "400", ref = "BadRequest")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "401", ref = "Unauthorized")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "403", ref = "Forbidden")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "413", ref = "TooLarge")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "429", ref = "Limit")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "503", ref = "Unavailable")
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void get(@QueryParam("videoUrl") String videoUrl, @QueryParam("transcript") String transcript,
                        @QueryParam("features") List<String> features,
                        @Context HttpServletRequest request, @Context HttpServletResponse response,
                        @Context SseEventSink sink) {
            start(CouncilPrompts.videoScore(videoUrl, transcript, features, maxChars()), request, response, sink);
        }

        @Tag(name = "council")
        @Operation(summary = "Score a video ad (form)", description = "As the GET, with the fields as a form, for large transcripts.")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200", ref = "CouncilStream")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "400", ref = "BadRequest")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "401", ref = "Unauthorized")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "403", ref = "Forbidden")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "413", ref = "TooLarge")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "429", ref = "Limit")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "503", ref = "Unavailable")
        @POST
        @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void post(@FormParam("videoUrl") String videoUrl, @FormParam("transcript") String transcript,
                         @FormParam("features") List<String> features,
                         @Context HttpServletRequest request, @Context HttpServletResponse response,
                        @Context SseEventSink sink) {
            start(CouncilPrompts.videoScore(videoUrl, transcript, features, maxChars()), request, response, sink);
        }
    }

    /** {@code /api/stream/evaluate-creative?creativeUrl=&headline=&text=&audience=}: one creative, its own prompt. */
    @Path("/stream/evaluate-creative")
    @RequestScoped
    public static class EvaluateCreative extends Starter {

        protected EvaluateCreative() {
            super(null, null);
        }

        @Inject
        public EvaluateCreative(CouncilService council, SseStreams streams) {
            super(council, streams);
        }

        @Tag(name = "council")
        @Operation(summary = "Evaluate one creative with the AI council", description = "As council-score, with its own prompt.")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200", ref = "CouncilStream")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "400", ref = "BadRequest")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "401", ref = "Unauthorized")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "403", ref = "Forbidden")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "413", ref = "TooLarge")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "429", ref = "Limit")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "503", ref = "Unavailable")
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void get(@QueryParam("creativeUrl") String creativeUrl, @QueryParam("headline") String headline,
                        @QueryParam("text") String text, @QueryParam("audience") String audience,
                        @Context HttpServletRequest request, @Context HttpServletResponse response,
                        @Context SseEventSink sink) {
            start(CouncilPrompts.creative(creativeUrl, headline, text, audience, maxChars()), request, response, sink);
        }

        @Tag(name = "council")
        @Operation(summary = "Evaluate one creative (form)", description = "As the GET, with the fields as a form.")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200", ref = "CouncilStream")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "400", ref = "BadRequest")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "401", ref = "Unauthorized")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "403", ref = "Forbidden")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "413", ref = "TooLarge")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "429", ref = "Limit")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "503", ref = "Unavailable")
        @POST
        @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void post(@FormParam("creativeUrl") String creativeUrl, @FormParam("headline") String headline,
                         @FormParam("text") String text, @FormParam("audience") String audience,
                         @Context HttpServletRequest request, @Context HttpServletResponse response,
                        @Context SseEventSink sink) {
            start(CouncilPrompts.creative(creativeUrl, headline, text, audience, maxChars()), request, response, sink);
        }
    }

    /** {@code /api/stream/council/{evaluationId}}: an evaluation from its first event (history), to its score. */
    @Path("/stream/council/{evaluationId}")
    @RequestScoped
    public static class Replay {

        private final ChannelManager core;
        private final SseStreams streams;

        protected Replay() {
            this(null, null);
        }

        @Inject
        public Replay(ChannelManager core, SseStreams streams) {
            this.core = core;
            this.streams = streams;
        }

        @Tag(name = "council")
        @Operation(summary = "Replay an evaluation", description = "Every event of the evaluation from history, then live until ai_score.")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200", ref = "CouncilStream")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "400", ref = "BadRequest")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "401", ref = "Unauthorized")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "403", ref = "Forbidden")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "429", ref = "Limit")
        @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "503", ref = "Unavailable")
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void stream(@PathParam("evaluationId") String evaluationId, @HeaderParam("Last-Event-ID") String resume,
                           @Context HttpServletRequest request, @Context HttpServletResponse response,
                           @Context SseEventSink sink) {
            streams.open(core.channel("council:" + evaluationId), resume, sink, request, response, EVALUATION);
        }
    }
}
