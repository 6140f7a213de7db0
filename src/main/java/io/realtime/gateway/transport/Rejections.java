package io.realtime.gateway.transport;

import io.realtime.gateway.event.LogText;
import io.realtime.gateway.metrics.GatewayMeters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Clients refused something (a bad or oversized request, a limit, an unavailable broker): one log line
 * each, and a count by transport and error code ({@code gateway_rejections_total}), so an operator
 * sees a misbehaving client or a limit set too low without a line per event anywhere.
 */
@ApplicationScoped
public class Rejections {

    private static final Logger LOG = Logger.getLogger(Rejections.class.getName());

    private GatewayMeters meters;

    protected Rejections() {
        // for the CDI proxy
    }

    @Inject
    public Rejections(GatewayMeters meters) {
        this.meters = meters;
    }

    /**
     * @param code   the error code the client got ({@code too_large}, {@code limit}, ...)
     * @param client who was refused and what it asked, for the log line (an address, a method and path)
     */
    public void refused(String transport, String code, String client, String detail) {
        meters.rejected(transport, code);
        // The client and the detail carry what the client sent (a path, an op, a channel name):
        // escaped, so that no text of theirs starts a log line of its own.
        LOG.info("Refused " + transport + " client " + LogText.escape(client) + ": " + code
                + (detail == null ? "" : " (" + LogText.escape(detail) + ")"));
    }

    /**
     * A client went past a limit (DESIGN §7): {@code gateway_limits_reached_total{limit}}, one
     * series per limit, so an operator sees which one bites.
     *
     * @param limit connections_per_ip, connections_per_user, subscriptions_per_connection,
     *              channels_per_stream, frame_size, body_size, publish_rate, channel_name_length
     */
    public void limitReached(String limit) {
        meters.limitReached(limit);
    }

}
