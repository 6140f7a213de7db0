package io.realtime.gateway.sse;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.InvalidInputException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
    public void stream(@QueryParam("channel") List<String> channelParams,
                       @HeaderParam("Last-Event-ID") String lastEventIdHeader,
                       @QueryParam("lastEventId") String lastEventIdParam,
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
        streams.open(channels, since, sink);
    }

    private List<ChannelName> channels(List<String> params) {
        if (params == null || params.isEmpty()) {
            throw new InvalidInputException(ErrorCode.BAD_CHANNEL,
                    "Name at least one channel: /api/stream?channel=job:42");
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>(params);
        if (distinct.size() > config.sseMaxChannels()) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST,
                    "At most " + config.sseMaxChannels() + " channels on one stream; got " + distinct.size());
        }
        List<ChannelName> channels = new ArrayList<>(distinct.size());
        for (String name : distinct) {
            channels.add(core.channel(name));
        }
        return channels;
    }
}
