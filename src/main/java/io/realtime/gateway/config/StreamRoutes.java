package io.realtime.gateway.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * The declared product stream routes ({@code gateway.routes}, each {@code gateway.route.<name>.*}),
 * read once at start-up. A declaration that does not parse stops the start with a message naming the
 * key: a route that silently went missing would be found by its users, not by the operator.
 */
public final class StreamRoutes {

    /** {@code <namespace>:{<idName>}}: the channel template of a route. */
    private static final Pattern CHANNEL = Pattern.compile("([a-z][a-z0-9_-]{0,31}):\\{([A-Za-z][A-Za-z0-9]*)\\}");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private StreamRoutes() {
    }

    /** The routes by name, in declaration order. */
    public static Map<String, StreamRoute> from(Config config) {
        return from(key -> config.getOptionalValue(key, String.class));
    }

    /** @param setting a setting's value by key (the configuration, or a map in a unit test) */
    public static Map<String, StreamRoute> from(Function<String, Optional<String>> setting) {
        Map<String, StreamRoute> routes = new LinkedHashMap<>();
        String list = setting.apply("gateway.routes").orElse("");
        for (String name : Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            routes.put(name, route(setting, name));
        }
        return Collections.unmodifiableMap(routes);
    }

    private static StreamRoute route(Function<String, Optional<String>> config, String name) {
        String prefix = "gateway.route." + name + ".";
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("gateway.routes: '" + name + "' is not a route name (a-z, 0-9, -)");
        }
        String template = config.apply(prefix + "channel").orElseThrow(
                () -> new IllegalArgumentException(prefix + "channel is not set: the route needs a channel")).trim();
        Matcher channel = CHANNEL.matcher(template);
        if (!channel.matches()) {
            throw new IllegalArgumentException(prefix + "channel: '" + template + "' is not <namespace>:{<idName>}");
        }
        String start = config.apply(prefix + "start").orElse("now").trim();
        StreamOptions.Start first;
        try {
            first = StreamOptions.Start.valueOf(start.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "start: '" + start + "' is not now, latest or beginning", e);
        }
        Set<String> endOn = Arrays.stream(config.apply(prefix + "end-on").orElse("").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return new StreamRoute(name, channel.group(1), channel.group(2), new StreamOptions(first, endOn),
                text(config, prefix + "summary", "The stream of " + template),
                text(config, prefix + "description", ""),
                text(config, prefix + "events", "The stream of " + template + "."));
    }

    private static String text(Function<String, Optional<String>> config, String key, String fallback) {
        return config.apply(key).map(String::trim).orElse(fallback);
    }
}
