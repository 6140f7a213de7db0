package io.realtime.gateway.presence;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.microprofile.config.Config;

/**
 * Presence settings (DESIGN §11), read once at start-up; defaults in microprofile-config.properties.
 *
 * @param namespaces    namespaces with presence on ({@code gateway.namespace.<ns>.presence=true})
 * @param joinLeave     of those, the ones whose subscribers are told of joins and leaves
 *                      ({@code gateway.namespace.<ns>.join-leave=true})
 * @param ttl           how long a member outlives its instance's last refresh ({@code gateway.presence.ttl-seconds})
 * @param refresh       how often an instance refreshes its members and sweeps the expired
 *                      ({@code gateway.presence.refresh-seconds}), kept well under the TTL
 * @param flush         how long joins and leaves gather before they go to Redis together ({@code gateway.presence.flush-ms})
 * @param infoMaxBytes  largest client info a subscribe may carry, as compact JSON ({@code gateway.presence.info-max-bytes})
 * @param pageMax       most members one read answers ({@code gateway.presence.page-max}); the default page is 100
 * @param instance      this instance's name in its members ({@code gateway.presence.instance}, default random)
 */
public record PresenceSettings(Set<String> namespaces, Set<String> joinLeave, Duration ttl, Duration refresh,
                               Duration flush, int infoMaxBytes, int pageMax, String instance) {

    public PresenceSettings {
        namespaces = Set.copyOf(namespaces);
        joinLeave = Set.copyOf(joinLeave);
        if (refresh.compareTo(ttl.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("gateway.presence.refresh-seconds (" + refresh.toSeconds()
                    + ") must be at most half of gateway.presence.ttl-seconds (" + ttl.toSeconds() + ")");
        }
    }

    public static PresenceSettings from(Config config, Set<String> configuredNamespaces) {
        Set<String> on = new HashSet<>();
        Set<String> joinLeave = new HashSet<>();
        for (String ns : configuredNamespaces) {
            String prefix = "gateway.namespace." + ns + ".";
            if (config.getOptionalValue(prefix + "presence", Boolean.class).orElse(false)) {
                on.add(ns);
                if (config.getOptionalValue(prefix + "join-leave", Boolean.class).orElse(false)) {
                    joinLeave.add(ns);
                }
            }
        }
        String instance = config.getOptionalValue("gateway.presence.instance", String.class)
                .filter(s -> !s.isBlank())
                .orElseGet(() -> java.util.UUID.randomUUID().toString().substring(0, 8));
        return new PresenceSettings(on, joinLeave,
                Duration.ofSeconds(config.getValue("gateway.presence.ttl-seconds", Long.class)),
                Duration.ofSeconds(config.getValue("gateway.presence.refresh-seconds", Long.class)),
                Duration.ofMillis(config.getValue("gateway.presence.flush-ms", Long.class)),
                config.getValue("gateway.presence.info-max-bytes", Integer.class),
                config.getValue("gateway.presence.page-max", Integer.class),
                instance);
    }

    static String namespaceOf(String channel) {
        int colon = channel.indexOf(':');
        return colon < 0 ? channel : channel.substring(0, colon);
    }

    boolean on(String channel) {
        return !namespaces.isEmpty() && namespaces.contains(namespaceOf(channel));
    }

    boolean announces(String channel) {
        return !joinLeave.isEmpty() && joinLeave.contains(namespaceOf(channel));
    }
}
