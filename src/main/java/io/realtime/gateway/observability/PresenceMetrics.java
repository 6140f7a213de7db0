package io.realtime.gateway.observability;

import io.realtime.gateway.presence.Presence;
import io.realtime.gateway.transport.TransportExecutors;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Presence on {@code /metrics} (DESIGN §11): this instance's members per namespace with presence on
 * (a gauge: summed over instances it is the cluster's), and the joins and leaves made here (Counters,
 * carried from presence's totals once a second, as {@link GatewayMetrics} does the broker's).
 * Nothing is registered when no namespace has presence on.
 */
@ApplicationScoped
public class PresenceMetrics {

    private MetricRegistry registry;
    private Presence presence;
    private TransportExecutors executors;
    private ScheduledFuture<?> sync;
    private Counter joins;
    private Counter leaves;
    private long joinsSeen;
    private long leavesSeen;

    protected PresenceMetrics() {
        // for the CDI proxy
    }

    @Inject
    public PresenceMetrics(@RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE) MetricRegistry registry,
                           Presence presence, TransportExecutors executors) {
        this.registry = registry;
        this.presence = presence;
        this.executors = executors;
    }

    void register(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (presence.settings().namespaces().isEmpty()) {
            return;
        }
        Metadata members = metadata("gateway.presence.members", "Presence members on this instance, by namespace");
        for (String ns : presence.settings().namespaces()) {
            registry.gauge(members, presence, p -> p.localMembersByNamespace().getOrDefault(ns, 0), new Tag("namespace", ns));
        }
        joins = registry.counter(metadata("gateway.presence.joins", "Presence joins made on this instance"));
        leaves = registry.counter(metadata("gateway.presence.leaves", "Presence leaves made on this instance"));
        sync = executors.scheduler().scheduleWithFixedDelay(this::carry, GatewayMetrics.BROKER_SYNC_MS,
                GatewayMetrics.BROKER_SYNC_MS, TimeUnit.MILLISECONDS);
    }

    synchronized void carry() {
        long j = presence.joins();
        long l = presence.leaves();
        if (j > joinsSeen) {
            joins.inc(j - joinsSeen);
            joinsSeen = j;
        }
        if (l > leavesSeen) {
            leaves.inc(l - leavesSeen);
            leavesSeen = l;
        }
    }

    @PreDestroy
    void stop() {
        if (sync != null) {
            sync.cancel(false);
        }
    }

    private static Metadata metadata(String name, String description) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NONE).build();
    }
}
