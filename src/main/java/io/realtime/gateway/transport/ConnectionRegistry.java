package io.realtime.gateway.transport;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every open connection of every transport: for heartbeats, shutdown and stats. */
@ApplicationScoped
public class ConnectionRegistry {

    private final Set<GatewayConnection> connections = ConcurrentHashMap.newKeySet();
    /** Cleared when the server starts saying goodbye: a client connecting then goes elsewhere. */
    private volatile boolean accepting = true;

    /** @throws ShuttingDownException once the server is stopping */
    public void add(GatewayConnection connection) {
        if (!accepting) {
            throw new ShuttingDownException();
        }
        connections.add(connection);
    }

    /** From now on {@link #add} refuses: the shutdown is under way. */
    public void stopAccepting() {
        accepting = false;
    }

    /** False once the shutdown is under way: readiness goes DOWN so load balancers send clients elsewhere. */
    public boolean isAccepting() {
        return accepting;
    }

    public void remove(GatewayConnection connection) {
        connections.remove(connection);
    }

    public List<GatewayConnection> all() {
        return List.copyOf(connections);
    }

    public List<GatewayConnection> of(Transport transport) {
        return connections.stream().filter(c -> c.transport() == transport).toList();
    }

    public Map<Transport, Integer> countByTransport() {
        Map<Transport, Integer> counts = new EnumMap<>(Transport.class);
        for (Transport t : Transport.values()) {
            counts.put(t, 0);
        }
        for (GatewayConnection c : connections) {
            counts.merge(c.transport(), 1, Integer::sum);
        }
        return counts;
    }

    public int size() {
        return connections.size();
    }
}
