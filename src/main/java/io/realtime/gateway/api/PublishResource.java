package io.realtime.gateway.api;

import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.PublishOutcome;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.InvalidInputException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import io.realtime.gateway.event.LimitException;
import io.realtime.gateway.security.Authenticator;
import io.realtime.gateway.security.Caller;
import io.realtime.gateway.security.Permissions;
import io.realtime.gateway.security.PublishRate;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;

/**
 * The publish API (DESIGN §4): one event, or a batch validated whole before any of it is published.
 * One instance serves every request (it holds nothing of a request's own): a request-scoped resource
 * cost a bean, its request context and five proxy look-ups per publish, on the hottest path there is.
 */
@Path("/")
@ApplicationScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PublishResource {

    private final ChannelManager core;
    private final GatewayConfig config;
    private final Authenticator authenticator;
    private final Permissions permissions;
    private final PublishRate rate;

    protected PublishResource() {
        this(null, null, null, null, null);
    }

    @Inject
    public PublishResource(ChannelManager core, GatewayConfig config, Authenticator authenticator,
                           Permissions permissions, PublishRate rate) {
        this.core = core;
        this.config = config;
        this.authenticator = authenticator;
        this.permissions = permissions;
        this.rate = rate;
    }

    @POST
    @Path("channels/{channel}/events")
    @Tag(name = "publish")
    @Operation(summary = "Publish one event", description = "Stores the event in the channel's history and delivers it "
            + "to every subscriber (on every instance in cluster mode). Answers once it is in history.")
    @Parameter(name = "channel", description = "namespace:part[:part...], e.g. job:42 (DESIGN §2)", example = "job:42")
    @Parameter(name = "fallback", description = "If Redis is unreachable: local (deliver here only) or refuse (503); "
            + "absent: gateway.redis.fallback")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiSchemas.EventBody.class)))
    @APIResponse(responseCode = "202", description = "Accepted: in history, being delivered",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiSchemas.Published.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, bad channel name, bad fallback",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "401", description = "No token, or a bad one, where the channel needs one",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the right to publish on a channel",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "429", description = "Publishing faster than the client's rate (Retry-After)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown namespace",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "413", description = "Body or batch too large",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "415", description = "Not application/json",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "422", description = "Invalid event type or data",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "503", description = "Redis unreachable and fallback refuse, or the server is stopping",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public Response publish(@PathParam("channel") String channel, @QueryParam("fallback") String fallback,
                            @Parameter(description = "Makes a retry safe: the same key on the same channel within "
                                    + "the window (default 5 min) publishes nothing and answers the first id")
                            @HeaderParam("Idempotency-Key") String idempotencyKey,
                            @Parameter(hidden = true) @HeaderParam("Content-Length") long length,
                            @Context HttpServletRequest request, InputStream body) {
        Caller caller = authenticator.authenticate(request);
        ChannelName name = core.channel(channel);
        permissions.check(caller, Permissions.Action.PUBLISH, name);
        Fallback choice = fallback(fallback);
        JsonObject event = object(JsonBodies.read(body, length, config.publishMaxBodyBytes()), "The body");
        EventDraft draft = EventDraft.of(name, event.get("type"), event.get("data")).withIdempotencyKey(idempotencyKey);
        rate.take(PublishRate.client(caller, request.getRemoteAddr()), 1);
        PublishOutcome published = core.publish(List.of(draft), choice);
        JsonObjectBuilder answer = JsonFactories.object().add("id", published.events().get(0).id().toString())
                .add("delivery", published.delivery());
        if (published.duplicate(0)) {
            answer.add("duplicate", true);
        }
        return Response.accepted(answer.build().toString()).build();
    }

    @POST
    @Path("events")
    @Tag(name = "publish")
    @Operation(summary = "Publish a batch", description = "Validates every event first (a bad one refuses the whole "
            + "batch), then publishes them in order.")
    @Parameter(name = "fallback", description = "If Redis is unreachable: local or refuse; absent: gateway.redis.fallback")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = ApiSchemas.BatchItem.class)))
    @APIResponse(responseCode = "202", description = "Accepted: every event in history, being delivered",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiSchemas.BatchPublished.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, bad channel name, bad fallback",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "401", description = "No token, or a bad one, where the channel needs one",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the right to publish on a channel",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "429", description = "Publishing faster than the client's rate (Retry-After)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown namespace",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "413", description = "Body or batch too large",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "415", description = "Not application/json",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "422", description = "Invalid event type or data",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "503", description = "Redis unreachable and fallback refuse, or the server is stopping",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public Response publishBatch(@QueryParam("fallback") String fallback,
                                 @Parameter(hidden = true) @HeaderParam("Content-Length") long length,
                                 @Context HttpServletRequest request, InputStream body) {
        Caller caller = authenticator.authenticate(request);
        // The channels are in the body: what can be decided without it is decided first.
        permissions.checkMayPublishSomewhere(caller);
        Fallback choice = fallback(fallback);
        JsonStructure json = JsonBodies.read(body, length, config.publishMaxBodyBytes());
        if (json.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST,
                    "The body must be an array of {\"channel\",\"type\",\"data\"}");
        }
        JsonArray items = json.asJsonArray();
        if (items.isEmpty()) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "The batch is empty");
        }
        if (items.size() > config.publishMaxBatch()) {
            throw new LimitException("batch_size", ErrorCode.TOO_LARGE,
                    "At most " + config.publishMaxBatch() + " events in a batch; got " + items.size());
        }
        List<EventDraft> drafts = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            drafts.add(draft(items.get(i), i));
        }
        for (EventDraft draft : drafts) {
            permissions.check(caller, Permissions.Action.PUBLISH, draft.channel());
        }
        rate.take(PublishRate.client(caller, request.getRemoteAddr()), drafts.size());
        PublishOutcome published = core.publish(drafts, choice);
        JsonArrayBuilder ids = JsonFactories.array();
        for (ChannelEvent event : published.events()) {
            ids.add(event.id().toString());
        }
        JsonObjectBuilder answer = JsonFactories.object().add("ids", ids).add("delivery", published.delivery());
        if (!published.duplicates().isEmpty()) {
            JsonArrayBuilder duplicates = JsonFactories.array();
            published.duplicates().stream().sorted().forEach(duplicates::add);
            answer.add("duplicates", duplicates);
        }
        return Response.accepted(answer.build().toString()).build();
    }

    /**
     * What the publisher wants if the cluster's broker is unreachable: {@code ?fallback=local}
     * (deliver on this instance only) or {@code refuse} (503); absent, the configured choice.
     */
    private static Fallback fallback(String text) {
        try {
            return Fallback.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "Query parameter 'fallback': " + e.getMessage());
        }
    }

    private EventDraft draft(JsonValue item, int index) {
        String where = "Event [" + index + "]";
        try {
            JsonObject event = object(item, where);
            JsonValue channel = event.get("channel");
            if (channel == null || channel.getValueType() != JsonValue.ValueType.STRING) {
                throw new InvalidInputException(ErrorCode.BAD_CHANNEL, "'channel' is required and must be a string");
            }
            JsonValue key = event.get("idempotencyKey");
            if (key != null && key.getValueType() != JsonValue.ValueType.STRING && key.getValueType() != JsonValue.ValueType.NULL) {
                throw new InvalidInputException(ErrorCode.BAD_REQUEST, "'idempotencyKey' must be a string");
            }
            return EventDraft.of(core.channel(((jakarta.json.JsonString) channel).getString()),
                    event.get("type"), event.get("data"))
                    .withIdempotencyKey(key instanceof jakarta.json.JsonString k ? k.getString() : null);
        } catch (LimitException e) {
            throw new LimitException(e.limit(), e.code(), where + ": " + e.getMessage());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.code(), where + ": " + e.getMessage());
        }
    }

    private static JsonObject object(JsonValue value, String what) {
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, what + " must be a JSON object");
        }
        return value.asJsonObject();
    }
}
