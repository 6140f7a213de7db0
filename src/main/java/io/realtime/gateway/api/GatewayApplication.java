package io.realtime.gateway.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The HTTP API and the SSE streams live under {@code /api} (DESIGN §9); its OpenAPI document at {@code /openapi}. */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "Realtime gateway", version = "0.1",
        description = "Publish events and subscribe to channels over Server-Sent Events (here) and WebSocket "
                + "(/ws, DESIGN §6: subscribe, unsubscribe, publish and ping ops as JSON frames). Errors are "
                + "RFC 9457 problem documents. Health: /health/live, /health/ready, /health/started; "
                + "Prometheus metrics: /metrics."),
        // Responses several operations share, referred to by name (@APIResponse(ref = "Unauthorized")).
        components = @Components(responses = {
            @APIResponse(name = "BadRequest", description = "Malformed JSON, a bad channel name or id, a missing field",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
            @APIResponse(name = "Unauthorized", description = "No token where one is needed, or a bad one (expired, "
                    + "another issuer or audience, a bad signature, revoked)",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
            @APIResponse(name = "Forbidden", description = "The token lacks the right (DESIGN §7)",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
            @APIResponse(name = "NotFound", description = "No such thing",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
            @APIResponse(name = "TooLarge", description = "The body or an input is larger than allowed",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
            @APIResponse(name = "UnsupportedMediaType", description = "A body of another media type than the one taken",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
            @APIResponse(name = "BadData", description = "A field with a bad value",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
            @APIResponse(name = "Limit", description = "A limit reached; the problem's limit names it (DESIGN §7)",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
            @APIResponse(name = "Unavailable", description = "The server is stopping (retry on another instance), or "
                    + "what the operation needs is not configured or reachable",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
            @APIResponse(name = "CouncilStream", description = "The evaluation's stream (council:{evaluationId}, named "
                    + "by the X-Evaluation-Id header): event: ai_token (a piece of one model's answer, "
                    + "{model, text}), event: ai_model_done (one model finished: {model, score, rationale}), "
                    + "event: ai_error (one model failed, was rate-limited or stalled: {model, message}; the others "
                    + "go on), and finally event: ai_score (the weighted mean score, the spread, each model's "
                    + "score and weight), after which the stream ends. Like every stream (GET /api/stream) it "
                    + "starts with event: position and may carry event: reset, event: shutdown and event: "
                    + "unauthorized, and a ': ping' comment now and then.",
                    content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
        }))
public class GatewayApplication extends Application {
}
