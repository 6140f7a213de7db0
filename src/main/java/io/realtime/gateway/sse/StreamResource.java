package io.realtime.gateway.sse;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.LimitException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayList;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import java.util.LinkedHashSet;
import java.util.List;

/** {@code GET /api/stream?channel=a&channel=b}: the generic multi-channel SSE stream (DESIGN §5). */
@Path("/stream")
@RequestScoped
public class StreamResource {

    private final ChannelManager core;
    private final SseStreams streams;
    private final GatewayConfig config;

    protected StreamResource() {
        this(null, null, null);
    }

    @Inject
    public StreamResource(ChannelManager core, SseStreams streams, GatewayConfig config) {
        this.core = core;
        this.streams = streams;
        this.config = config;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Tag(name = "subscribe")
    @Operation(summary = "Subscribe to channels over Server-Sent Events", description = "One stream of one or more "
            + "channels (DESIGN §5). Each event: event: <type>, id: <resume cursor>, data: the envelope "
            + "{id, channel, type, ts, data}. Also event: position (the stream's cursor), event: reset "
            + "(history no longer reaches the resume point, or lost live events of the channel) and event: shutdown; a ': ping' comment every "
            + "gateway.sse.heartbeat-seconds. WebSocket clients use /ws instead (DESIGN §6).")
    @APIResponse(responseCode = "200", description = "The event stream: each event published on the channels, "
            + "event: <its type>." + SseDocs.CONTROL_EVENTS,
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = "No channel, a bad name or a bad resume id",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "401", description = "No token where a channel needs one, or a bad one",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "403", description = "The token lacks the right to subscribe to a channel",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "429", description = "Too many channels on one stream, or too many connections",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "404", description = "Unknown namespace",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "503", description = "The server is stopping; retry on another instance",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public void stream(@Parameter(description = "A channel to subscribe to; repeat for several", required = true,
                               example = "job:42") @QueryParam("channel") List<String> channelParams,
                       @Parameter(description = "Resume after this cursor (the last id: seen); wins over lastEventId")
                       @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                       @Parameter(description = "Resume cursor for clients that cannot set headers")
                       @QueryParam("lastEventId") String lastEventIdParam,
                       @Context HttpServletRequest request,
                       @Context HttpServletResponse response,
                       @Context SseEventSink sink) {
        List<ChannelName> channels = channels(channelParams);
        // The header wins: it is what the browser sends on reconnect, fresher than the URL's.
        String resume = lastEventIdHeader != null && !lastEventIdHeader.isBlank() ? lastEventIdHeader.trim()
                : lastEventIdParam != null && !lastEventIdParam.isBlank() ? lastEventIdParam.trim() : null;
        EventId[] since = resume == null ? null
                : StreamCursor.decode(resume, channels.stream().map(ChannelName::value).toList());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        streams.open(channels, since, sink, request);
    }

    private List<ChannelName> channels(List<String> params) {
        if (params == null || params.isEmpty()) {
            throw new InvalidInputException(ErrorCode.BAD_CHANNEL,
                    "Name at least one channel: /api/stream?channel=job:42");
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>(params);
        if (distinct.size() > config.sseMaxChannels()) {
            throw new LimitException("channels_per_stream",
                    "At most " + config.sseMaxChannels() + " channels on one stream; got " + distinct.size());
        }
        List<ChannelName> channels = new ArrayList<>(distinct.size());
        for (String name : distinct) {
            channels.add(core.channel(name));
        }
        return channels;
    }
}
