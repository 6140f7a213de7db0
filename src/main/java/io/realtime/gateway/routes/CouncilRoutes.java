package io.realtime.gateway.routes;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.security.Authenticator;
import io.realtime.gateway.security.Caller;
import io.realtime.gateway.sse.EndedStreams;
import io.realtime.gateway.sse.SseStreams;
import io.realtime.gateway.config.StreamOptions;
import io.realtime.gateway.stream.council.CouncilPrompts;
import io.realtime.gateway.stream.council.CouncilService;
import io.realtime.gateway.stream.council.Prompt;
import io.realtime.gateway.web.CostlyWork;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The council's seed routes (DESIGN §5): each request starts an evaluation and streams it until its
 * {@code ai_score}; {@code POST} takes the same fields as a form (UTF-8, bounded), for inputs too
 * large for a URL. Only a request a foreign page cannot make starts one (DESIGN §7), and a reconnect
 * never does (DESIGN §5).
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
        private final CostlyWork costly;
        private final Authenticator authenticator;

        Starter(CouncilService council, SseStreams streams, CostlyWork costly, Authenticator authenticator) {
            this.council = council;
            this.streams = streams;
            this.costly = costly;
            this.authenticator = authenticator;
        }

        /**
         * Everything that can refuse is checked before the evaluation is reserved, in this order: HEAD
         * (405: a probe starts nothing), a reconnect (204, DESIGN §5), the token (401: a caller who
         * forgot it learns that first), a request a foreign page could have made (403, DESIGN §7), the input, bounded before it is read (400, 413),
         * the caller's and the instance's evaluations (429); then the right to subscribe to the
         * evaluation's channel (403), and refused, nothing runs.
         */
        void start(HttpServletRequest request, HttpServletResponse response, SseEventSink sink,
                   Function<Integer, Prompt> prompt) {
            if ("HEAD".equals(request.getMethod())) {
                throw new NotAllowedException("GET", new String[] {"POST"});
            }
            EndedStreams.refuseReconnectToStart(request.getHeader("Last-Event-ID"));
            Caller caller = authenticator.authenticate(request);
            costly.checkMayStart(request);
            Prompt input = prompt.apply(council.settings().maxInputChars());
            String user = caller.isAnonymous() ? "address " + request.getRemoteAddr() : "user " + caller.subject();
            CouncilService.Reservation evaluation = council.open(user);
            try {
                response.setHeader("X-Evaluation-Id", evaluation.id());
                streams.open(evaluation.channel(), null, sink, request, response, EVALUATION);
            } catch (RuntimeException e) {
                council.abandon(evaluation);
                throw e;
            }
            council.run(evaluation, input);
        }

        /** The posted form, read with the council's bound ({@code gateway.council.max-form-bytes}). */
        FormBody form(HttpServletRequest request, InputStream body) {
            return FormBody.read(request, body, council.settings().maxFormBytes());
        }
    }

    /** {@code /api/stream/council-score?videoUrl=&transcript=&features=}: a video ad scored by every configured model. */
    @Path("/stream/council-score")
    @RequestScoped
    public static class CouncilScore extends Starter {

        protected CouncilScore() {
            super(null, null, null, null);
        }

        @Inject
        public CouncilScore(CouncilService council, SseStreams streams, CostlyWork costly, Authenticator authenticator) {
            super(council, streams, costly, authenticator);
        }

        @Tag(name = "council")
        @Operation(summary = "Score a video ad with the AI council", description = "Streams ai_token, ai_model_done, ai_error and a final ai_score; X-Evaluation-Id names the evaluation. 503 with no provider configured.")
        @APIResponse(responseCode = "200", ref = "CouncilStream")
        @APIResponse(responseCode = "400", ref = "BadRequest")
        @APIResponse(responseCode = "401", ref = "Unauthorized")
        @APIResponse(responseCode = "403", ref = "Forbidden")
        @APIResponse(responseCode = "413", ref = "TooLarge")
        @APIResponse(responseCode = "429", ref = "Limit")
        @APIResponse(responseCode = "503", ref = "Unavailable")
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void get(@QueryParam("videoUrl") String videoUrl, @QueryParam("transcript") String transcript,
                        @QueryParam("features") List<String> features,
                        @Context HttpServletRequest request, @Context HttpServletResponse response,
                        @Context SseEventSink sink) {
            start(request, response, sink, max -> CouncilPrompts.videoScore(videoUrl, transcript, features, max));
        }

        @Tag(name = "council")
        @Operation(summary = "Score a video ad (form)", description = "As the GET, with the fields as a form, for large transcripts.")
        @APIResponse(responseCode = "200", ref = "CouncilStream")
        @APIResponse(responseCode = "400", ref = "BadRequest")
        @APIResponse(responseCode = "401", ref = "Unauthorized")
        @APIResponse(responseCode = "403", ref = "Forbidden")
        @APIResponse(responseCode = "413", ref = "TooLarge")
        @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
        @APIResponse(responseCode = "429", ref = "Limit")
        @APIResponse(responseCode = "503", ref = "Unavailable")
        @POST
        @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void post(InputStream body,
                         @Context HttpServletRequest request, @Context HttpServletResponse response,
                        @Context SseEventSink sink) {
            start(request, response, sink, max -> {
                FormBody form = form(request, body);
                return CouncilPrompts.videoScore(form.first("videoUrl"), form.first("transcript"), form.all("features"), max);
            });
        }
    }

    /** {@code /api/stream/evaluate-creative?creativeUrl=&headline=&text=&audience=}: one creative, its own prompt. */
    @Path("/stream/evaluate-creative")
    @RequestScoped
    public static class EvaluateCreative extends Starter {

        protected EvaluateCreative() {
            super(null, null, null, null);
        }

        @Inject
        public EvaluateCreative(CouncilService council, SseStreams streams, CostlyWork costly, Authenticator authenticator) {
            super(council, streams, costly, authenticator);
        }

        @Tag(name = "council")
        @Operation(summary = "Evaluate one creative with the AI council", description = "As council-score, with its own prompt.")
        @APIResponse(responseCode = "200", ref = "CouncilStream")
        @APIResponse(responseCode = "400", ref = "BadRequest")
        @APIResponse(responseCode = "401", ref = "Unauthorized")
        @APIResponse(responseCode = "403", ref = "Forbidden")
        @APIResponse(responseCode = "413", ref = "TooLarge")
        @APIResponse(responseCode = "429", ref = "Limit")
        @APIResponse(responseCode = "503", ref = "Unavailable")
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void get(@QueryParam("creativeUrl") String creativeUrl, @QueryParam("headline") String headline,
                        @QueryParam("text") String text, @QueryParam("audience") String audience,
                        @Context HttpServletRequest request, @Context HttpServletResponse response,
                        @Context SseEventSink sink) {
            start(request, response, sink, max -> CouncilPrompts.creative(creativeUrl, headline, text, audience, max));
        }

        @Tag(name = "council")
        @Operation(summary = "Evaluate one creative (form)", description = "As the GET, with the fields as a form.")
        @APIResponse(responseCode = "200", ref = "CouncilStream")
        @APIResponse(responseCode = "400", ref = "BadRequest")
        @APIResponse(responseCode = "401", ref = "Unauthorized")
        @APIResponse(responseCode = "403", ref = "Forbidden")
        @APIResponse(responseCode = "413", ref = "TooLarge")
        @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
        @APIResponse(responseCode = "429", ref = "Limit")
        @APIResponse(responseCode = "503", ref = "Unavailable")
        @POST
        @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void post(InputStream body,
                         @Context HttpServletRequest request, @Context HttpServletResponse response,
                        @Context SseEventSink sink) {
            start(request, response, sink, max -> {
                FormBody form = form(request, body);
                return CouncilPrompts.creative(form.first("creativeUrl"), form.first("headline"), form.first("text"),
                        form.first("audience"), max);
            });
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
        @APIResponse(responseCode = "200", ref = "CouncilStream")
        @APIResponse(responseCode = "400", ref = "BadRequest")
        @APIResponse(responseCode = "401", ref = "Unauthorized")
        @APIResponse(responseCode = "403", ref = "Forbidden")
        @APIResponse(responseCode = "429", ref = "Limit")
        @APIResponse(responseCode = "503", ref = "Unavailable")
        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void stream(@PathParam("evaluationId") String evaluationId, @HeaderParam("Last-Event-ID") String resume,
                           @Context HttpServletRequest request, @Context HttpServletResponse response,
                           @Context SseEventSink sink) {
            streams.open(core.channel("council:" + evaluationId), resume, sink, request, response, EVALUATION);
        }
    }
}
