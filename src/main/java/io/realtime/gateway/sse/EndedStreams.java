package io.realtime.gateway.sse;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.ChannelEvent;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.event.History;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Set;

/**
 * The reconnect rule for streams that end (DESIGN §5). A browser's EventSource reconnects after
 * every end of a stream, sending the id of the last event it saw; the SSE standard's way to stop it
 * is an answer of 204. So a reconnect whose {@code Last-Event-ID} is at or past the event that ended
 * the stream ({@code job_completed}, {@code job_failed}, {@code ai_score}) answers 204; one from
 * before it gets the tail, the end event included, and ends again; and a council route that starts
 * an evaluation answers 204 to any request carrying {@code Last-Event-ID}: a reconnect never starts
 * a new (paid) evaluation.
 */
public final class EndedStreams {

    private EndedStreams() {
    }

    /** Thrown to answer 204 No Content: the stream the client resumes has ended for good. */
    public static final class Ended extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Ended(String why) {
            super(why, null, false, false);
        }
    }

    /** 204, with nothing a cache could keep. */
    @Provider
    public static final class EndedMapper implements ExceptionMapper<Ended> {
        @Override
        public Response toResponse(Ended e) {
            return Response.noContent().header("Cache-Control", "no-store").build();
        }
    }

    /** @throws Ended when the request carries a resume id: it is a reconnect, which never starts an evaluation */
    public static void refuseReconnectToStart(String lastEventId) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            throw new Ended("a reconnect never starts an evaluation");
        }
    }

    /**
     * @param since the client's resume id ({@code Last-Event-ID})
     * @param endOn the event types that end the stream
     * @throws Ended when the channel's last event ends the stream and the client has seen it
     */
    static void refuseIfEnded(ChannelManager core, ChannelName channel, EventId since, Set<String> endOn) {
        EventId top = core.position(channel);
        if (since.cluster().compareTo(top) < 0) {
            return; // the client has not seen the channel's last event: it gets the tail, end included
        }
        EventId before = top.seq() > 0 ? new EventId(top.ms(), top.seq() - 1)
                : top.ms() > 0 ? new EventId(top.ms() - 1, Long.MAX_VALUE) : null;
        if (before == null) {
            return;
        }
        History last = core.history(channel, before);
        List<ChannelEvent> events = last.events();
        if (!events.isEmpty() && endOn.contains(events.get(events.size() - 1).type())) {
            throw new Ended(channel.value() + " has ended");
        }
    }
}
