package io.realtime.gateway.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The counters whose series a client's behaviour opens (by transport and code, by limit, by close
 * code), registered here, in one place, with their names and help texts, so that the places that
 * count them (transport/Rejections, websocket/GatewayEndpoint) say what happened and never how a
 * metric is spelled. On the ground floor: it imports nothing of ours, so any floor may count.
 */
@ApplicationScoped
public class GatewayMeters {

    public static final String REJECTIONS = "gateway.rejections";
    public static final String LIMITS_REACHED = "gateway.limits.reached";
    public static final String WEBSOCKET_CLOSES = "gateway.websocket.closes";

    private static final Metadata REJECTIONS_META = counter(REJECTIONS,
            "Client requests or messages refused with an error code, by transport and code");
    private static final Metadata LIMITS_META = counter(LIMITS_REACHED,
            "Clients refused or closed for going past a configured limit, by limit");
    private static final Metadata CLOSES_META = counter(WEBSOCKET_CLOSES,
            "WebSocket connections closed, by close code");

    private MetricRegistry registry;

    protected GatewayMeters() {
        // for the CDI proxy
    }

    @Inject
    public GatewayMeters(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry) {
        this.registry = registry;
    }

    /** {@code gateway_rejections_total{transport,code}}: a client refused with this error code. */
    public void rejected(String transport, String code) {
        registry.counter(REJECTIONS_META, new Tag("transport", transport), new Tag("code", code)).inc();
    }

    /** {@code gateway_limits_reached_total{limit}}: a client went past this limit. */
    public void limitReached(String limit) {
        registry.counter(LIMITS_META, new Tag("limit", limit)).inc();
    }

    /** {@code gateway_websocket_closes_total{code}}: a WebSocket closed, under its close code's label. */
    public void websocketClosed(String codeLabel) {
        registry.counter(CLOSES_META, new Tag("code", codeLabel)).inc();
    }

    private static Metadata counter(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NONE).build();
    }
}
