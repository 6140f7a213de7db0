package io.realtime.gateway.api;

import io.realtime.gateway.event.History;
import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.Subscriber;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.transport.GatewayConnection;
import io.realtime.gateway.transport.Transport;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import io.realtime.gateway.security.Authenticator;
import io.realtime.gateway.security.Permissions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.json.JsonArrayBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The read-only channel API the dashboard uses: which channels have subscribers on this instance,
 * and a channel's history. Reading history subscribes nobody.
 *
 * <p>Rooted at {@code /} like {@link PublishResource}, not at {@code /channels}: JAX-RS picks one root
 * resource by its longest literal prefix and looks for methods only there, so a {@code /channels}
 * root would hide {@code POST /api/channels/{channel}/events}.
 */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ChannelsResource {

    /** Events one history read returns at most; the default history of a channel holds as many. */
    static final int MAX_LIMIT = 1000;
    static final int DEFAULT_LIMIT = 100;

    private final ChannelManager core;

    private final Authenticator authenticator;
    private final Permissions permissions;
    @Context
    HttpServletRequest request;

    protected ChannelsResource() {
        this(null, null, null);
    }

    /** The list names every channel (users' alerts among them): an admin's; a history, its subscribers'. */
    @Inject
    public ChannelsResource(ChannelManager core, Authenticator authenticator, Permissions permissions) {
        this.core = core;
        this.authenticator = authenticator;
        this.permissions = permissions;
    }

    /**
     * {@code GET /api/channels}: every channel with local subscribers, with their count by
     * transport ({@code other} for subscribers inside the gateway, not behind a connection).
     */
    @GET
    @Path("channels")
    @Tag(name = "channels")
    @Operation(summary = "Channels with subscribers here", description = "Every channel with subscribers on this "
            + "instance, with their count by transport (other: subscribers inside the gateway).")
    @APIResponse(responseCode = "200", description = "{\"channels\":[{\"channel\",\"subscribers\",\"byTransport\"}],\"subscriptions\"}")
    @APIResponse(responseCode = "401", description = "No token or a bad one, where tokens are checked",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "403", description = "Not an admin (DESIGN §7)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public String channels() {
        permissions.checkUser(authenticator.authenticate(request), null);
        JsonArrayBuilder list = JsonFactories.array();
        int subscriptions = 0;
        for (Map.Entry<String, List<Subscriber>> entry : core.subscribersByChannel().entrySet()) {
            int sse = 0;
            int ws = 0;
            int other = 0;
            for (Subscriber s : entry.getValue()) {
                if (s instanceof GatewayConnection c && c.transport() == Transport.SSE) {
                    sse++;
                } else if (s instanceof GatewayConnection c && c.transport() == Transport.WEBSOCKET) {
                    ws++;
                } else {
                    other++;
                }
            }
            subscriptions += entry.getValue().size();
            list.add(JsonFactories.object().add("channel", entry.getKey())
                    .add("subscribers", entry.getValue().size())
                    .add("byTransport", JsonFactories.object().add(Transport.SSE.label(), sse)
                            .add(Transport.WEBSOCKET.label(), ws).add("other", other)));
        }
        return JsonFactories.object().add("channels", list).add("subscriptions", subscriptions)
                .build().toString();
    }

    /**
     * {@code GET /api/channels/{channel}/history?since=&limit=}: with {@code since}, the first
     * {@code limit} events after it (exclusive) and {@code complete:false} when history no longer
     * reaches back to it; without, the last {@code limit} events. Oldest first either way;
     * {@code more} says history holds events past the ones returned; {@code position} is the
     * channel's current id, to resume a live stream from without a gap.
     */
    @GET
    @Path("channels/{channel}/history")
    @Tag(name = "channels")
    @Operation(summary = "A channel's history", description = "With since: the first limit events after it, "
            + "complete:false when history no longer reaches back; without: the newest limit. Oldest first; "
            + "position is the channel's id now, to go live from with no gap. Subscribes nobody.")
    @Parameter(name = "channel", description = "namespace:part[:part...], e.g. job:42 (DESIGN §2)", example = "job:42")
    @Parameter(name = "since", description = "An event id <ms>-<seq> (exclusive)")
    @Parameter(name = "limit", description = "1 to 1000; default 100")
    @APIResponse(responseCode = "200", description = "{\"channel\",\"events\":[envelope...],\"position\",\"complete\",\"more\"}")
    @APIResponse(responseCode = "400", description = "Bad channel name, event id or limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown namespace",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    public String history(@PathParam("channel") String channel, @QueryParam("since") String since,
                          @QueryParam("limit") String limit) {
        ChannelName name = core.channel(channel);
        permissions.check(authenticator.authenticate(request), Permissions.Action.SUBSCRIBE, name);
        int max = limit(limit);
        EventId after = since == null || since.isBlank() ? null : EventId.parse(since.trim());
        History history = core.history(name, after);
        List<ChannelEvent> events = history.events();
        boolean more = events.size() > max;
        if (more) {
            events = after != null ? events.subList(0, max) : events.subList(events.size() - max, events.size());
        }
        // Each event's envelope is already JSON (made once, when it was published): copied, not re-read.
        // Channel names and ids hold no character JSON would escape.
        StringBuilder body = new StringBuilder(256 + events.size() * 160);
        body.append("{\"channel\":\"").append(name.value()).append("\",\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            body.append(i == 0 ? "" : ",").append(events.get(i).json());
        }
        return body.append("],\"position\":\"").append(history.top()).append("\",\"complete\":")
                .append(after == null || history.complete()).append(",\"more\":").append(more).append('}')
                .toString();
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 1 || value > MAX_LIMIT) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST,
                    "Query parameter 'limit' must be an integer from 1 to " + MAX_LIMIT);
        }
        return value;
    }
}
