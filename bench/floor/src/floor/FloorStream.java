package floor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The least an idle SSE stream can cost on this runtime (issue 19's idle floor): the gateway's stream
 * route, one {@code position} event (what the bench's subscriber waits for, as the gateway sends it
 * once the stream is live), then the sink held open and nothing else. No channel, no queue, no
 * heartbeat: whatever memory a stream costs here is the runtime's.
 */
@Path("/stream")
public class FloorStream {

    private final Set<SseEventSink> open = ConcurrentHashMap.newKeySet();

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@QueryParam("channel") String channel, @Context SseEventSink sink, @Context Sse sse) {
        open.add(sink);
        sink.send(sse.newEventBuilder().name("position").data("{\"channel\":\"" + channel + "\"}").build())
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        open.remove(sink);
                    }
                });
    }
}
