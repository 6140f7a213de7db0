package io.realtime.gateway.api;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.presence.Presence;
import io.realtime.gateway.security.Authenticator;
import io.realtime.gateway.security.Permissions;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Who is on a channel (DESIGN §11): its members, a page at a time, and their counts. Whoever may
 * subscribe to the channel may read them. Rooted at {@code /} like {@link ChannelsResource}, for the
 * same reason.
 */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class PresenceResource {

    private final ChannelManager core;
    private final Presence presence;
    private final Authenticator authenticator;
    private final Permissions permissions;
    @Context
    HttpServletRequest request;

    protected PresenceResource() {
        this(null, null, null, null);
    }

    @Inject
    public PresenceResource(ChannelManager core, Presence presence, Authenticator authenticator,
                            Permissions permissions) {
        this.core = core;
        this.presence = presence;
        this.authenticator = authenticator;
        this.permissions = permissions;
    }

    /** {@code GET /api/channels/{channel}/presence?after=&limit=}: a page of members in member id order. */
    @GET
    @Path("channels/{channel}/presence")
    @Tag(name = "presence")
    @Operation(summary = "Who is on a channel", description = "A page of the channel's members (one per connection "
            + "subscribed, on any instance), in member id order: id, user (the token's sub, or null), transport, "
            + "instance, joinedAt, info (what the client sent on subscribe). next is the after of the next page, "
            + "null on the last; partial: Redis is unreachable and only this instance's members are listed (DESIGN §11).")
    @Parameter(name = "channel", description = "namespace:part[:part...] of a namespace with presence on", example = "job:42")
    @Parameter(name = "after", description = "The next of the previous page")
    @Parameter(name = "limit", description = "1 to gateway.presence.page-max (default 1000); default 100")
    @APIResponse(responseCode = "200", description = "{\"channel\",\"members\":[{\"id\",\"user\",\"transport\",\"instance\",\"joinedAt\",\"info\"}],\"next\",\"partial\"}")
    @APIResponse(responseCode = "400", description = "Bad channel name or limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", description = "Unknown namespace, or presence is off for it",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public String members(@PathParam("channel") String channel, @QueryParam("after") String after,
                          @QueryParam("limit") String limit) {
        ChannelName name = readable(channel);
        Presence.Page page = presence.members(name, after == null || after.isBlank() ? null : after.trim(), limit(limit));
        StringBuilder body = new StringBuilder(128 + page.members().size() * 160);
        // The members are JSON already (made once, at the join): copied, not re-read.
        body.append("{\"channel\":\"").append(name.value()).append("\",\"members\":[")
                .append(String.join(",", page.members())).append("],\"next\":");
        if (page.next() == null) {
            body.append("null");
        } else {
            body.append(JsonFactories.array().add(page.next()).build().get(0));
        }
        return body.append(",\"partial\":").append(page.partial()).append('}').toString();
    }

    /** {@code GET /api/channels/{channel}/presence/stats}: members and distinct users. */
    @GET
    @Path("channels/{channel}/presence/stats")
    @Tag(name = "presence")
    @Operation(summary = "How many are on a channel", description = "connections: the channel's members on every "
            + "instance; users: distinct token subjects among them (anonymous members count as connections only); "
            + "partial: Redis is unreachable and the counts are this instance's (DESIGN §11).")
    @Parameter(name = "channel", description = "namespace:part[:part...] of a namespace with presence on", example = "job:42")
    @APIResponse(responseCode = "200", description = "{\"channel\",\"connections\",\"users\",\"partial\"}")
    @APIResponse(responseCode = "400", description = "Bad channel name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", description = "Unknown namespace, or presence is off for it",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public String stats(@PathParam("channel") String channel) {
        ChannelName name = readable(channel);
        Presence.Stats stats = presence.stats(name);
        return JsonFactories.object().add("channel", name.value()).add("connections", stats.connections())
                .add("users", stats.users()).add("partial", stats.partial()).build().toString();
    }

    /** The caller is checked before any presence work (DESIGN §7): subscribe rights on the channel. */
    private ChannelName readable(String channel) {
        ChannelName name = core.channel(channel);
        permissions.check(authenticator.authenticate(request), Permissions.Action.SUBSCRIBE, name);
        return name;
    }

    private static Integer limit(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "Query parameter 'limit' must be an integer");
        }
    }
}
