package io.realtime.gateway.transport;

import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.LimitException;
import io.realtime.gateway.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Every open connection of every transport: for heartbeats, shutdown, stats and revocation. It also
 * holds the connection limits (DESIGN §7): at most {@code gateway.limits.connections-per-ip} from one
 * address and {@code gateway.limits.connections-per-user} for one token subject.
 */
@ApplicationScoped
public class ConnectionRegistry {

    private final Set<GatewayConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Integer> byUser = new ConcurrentHashMap<>();
    private int perAddress;
    private int perUser;
    /** Cleared when the server starts saying goodbye: a client connecting then goes elsewhere. */
    private volatile boolean accepting = true;

    protected ConnectionRegistry() {
        // for the CDI proxy
    }

    @Inject
    public ConnectionRegistry(GatewayConfig config) {
        this.perAddress = config.connectionsPerAddress();
        this.perUser = config.connectionsPerUser();
    }

    /**
     * @throws ShuttingDownException once the server is stopping
     * @throws LimitException        past the connections allowed per address or per user
     */
    public void add(GatewayConnection connection) {
        if (!accepting) {
            throw new ShuttingDownException();
        }
        String address = connection.address();
        String user = connection.caller().subject();
        take(byAddress, address, perAddress, "connections_per_ip", "from one address");
        try {
            take(byUser, user, perUser, "connections_per_user", "for one user");
        } catch (LimitException e) {
            give(byAddress, address);
            throw e;
        }
        connections.add(connection);
    }

    /** A live connection now acts for another caller: counted under its user instead. */
    public void rebind(GatewayConnection connection, Caller from, Caller to) {
        if (Objects.equals(from.subject(), to.subject()) || !connections.contains(connection)) {
            return;
        }
        take(byUser, to.subject(), perUser, "connections_per_user", "for one user");
        give(byUser, from.subject());
    }

    private static void take(Map<String, Integer> counts, String key, int limit, String name, String what) {
        if (key == null || limit <= 0) {
            return;
        }
        if (counts.merge(key, 1, Integer::sum) > limit) {
            give(counts, key);
            throw new LimitException(name, "At most " + limit + " connections " + what);
        }
    }

    private static void give(Map<String, Integer> counts, String key) {
        if (key != null) {
            counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** From now on {@link #add} refuses: the shutdown is under way. */
    public void stopAccepting() {
        accepting = false;
    }

    /** The endpoints were paused, not stopped ({@code server resume}): {@link #add} accepts again. */
    public void startAccepting() {
        accepting = true;
    }

    /** False once the shutdown is under way: readiness goes DOWN so load balancers send clients elsewhere. */
    public boolean isAccepting() {
        return accepting;
    }

    public void remove(GatewayConnection connection) {
        if (connections.remove(connection)) {
            give(byAddress, connection.address());
            if (perUser > 0) {
                give(byUser, connection.caller().subject());
            }
        }
    }

    /** Ends every connection whose caller matches (a revoked user or token); @return how many */
    public int closeForAccess(Predicate<Caller> which, String detail) {
        return closeConnectionsForAccess(c -> which.test(c.caller()), detail);
    }

    /** Ends the connections {@code which} picks, for access (a disconnect that names a time). */
    public int closeConnectionsForAccess(Predicate<GatewayConnection> which, String detail) {
        int n = 0;
        for (GatewayConnection c : connections) {
            if (which.test(c)) {
                c.closeForAccess(detail);
                n++;
            }
        }
        return n;
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
