package io.realtime.gateway.config;

import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.LimitException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;

/**
 * The configured namespaces, read once at start-up. Keys: {@code gateway.namespaces} (the list),
 * {@code gateway.namespace.<ns>.history-size}, {@code .history-ttl-seconds} and {@code .bare};
 * a namespace without its own size or TTL takes {@code gateway.history.size} / {@code .ttl-seconds}.
 * A declared stream route ({@link StreamRoutes}) declares its namespace too, listed or not, so a new
 * product stream is written down once.
 */
public final class Namespaces {

    private final Map<String, NamespaceSettings> byName;
    private final int maxNameLength;

    public Namespaces(Map<String, NamespaceSettings> byName) {
        this(byName, ChannelName.MAX_LENGTH);
    }

    /** @param maxNameLength longest channel name accepted ({@code gateway.channel.max-length}), at most 255 */
    public Namespaces(Map<String, NamespaceSettings> byName, int maxNameLength) {
        this.byName = Map.copyOf(byName);
        this.maxNameLength = Math.min(maxNameLength, ChannelName.MAX_LENGTH);
    }

    public static Namespaces from(Config config, Collection<StreamRoute> routes) {
        int defaultSize = config.getValue("gateway.history.size", Integer.class);
        long defaultTtl = config.getValue("gateway.history.ttl-seconds", Long.class);
        Map<String, NamespaceSettings> map = new LinkedHashMap<>();
        String list = config.getValue("gateway.namespaces", String.class);
        Set<String> names = new LinkedHashSet<>();
        routes.forEach(route -> names.add(route.namespace()));
        Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(names::add);
        for (String name : names) {
            String prefix = "gateway.namespace." + name + ".";
            int size = config.getOptionalValue(prefix + "history-size", Integer.class).orElse(defaultSize);
            long ttl = config.getOptionalValue(prefix + "history-ttl-seconds", Long.class).orElse(defaultTtl);
            boolean bare = config.getOptionalValue(prefix + "bare", Boolean.class).orElse(false);
            map.put(name, new NamespaceSettings(name, bare, new HistoryPolicy(size, Duration.ofSeconds(ttl))));
        }
        return new Namespaces(map, config.getOptionalValue("gateway.channel.max-length", Integer.class)
                .orElse(ChannelName.MAX_LENGTH));
    }

    /**
     * Validates a channel name against syntax and configuration.
     *
     * @throws InvalidInputException {@code bad_channel} or {@code unknown_namespace}
     */
    public ChannelName channel(String name) {
        if (name != null && name.length() > maxNameLength) {
            throw new LimitException("channel_name_length", ErrorCode.BAD_CHANNEL,
                    "Channel name is longer than " + maxNameLength + " characters");
        }
        ChannelName channel = ChannelName.parse(name);
        NamespaceSettings settings = byName.get(channel.namespace());
        if (settings == null) {
            throw new InvalidInputException(ErrorCode.UNKNOWN_NAMESPACE,
                    "Namespace '" + channel.namespace() + "' is not configured");
        }
        if (channel.bare() && !settings.bare()) {
            throw new InvalidInputException(ErrorCode.BAD_CHANNEL,
                    "Channel '" + name + "' needs a part after the namespace, e.g. '" + name + ":42'");
        }
        return channel;
    }

    public HistoryPolicy history(String channel) {
        int colon = channel.indexOf(':');
        String ns = colon < 0 ? channel : channel.substring(0, colon);
        return Optional.ofNullable(byName.get(ns)).map(NamespaceSettings::history)
                .orElseGet(() -> byName.values().iterator().next().history());
    }

    public Map<String, NamespaceSettings> all() {
        return byName;
    }
}
