package io.realtime.gateway.house;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the house standing (STYLE.md, "the house plan"): every package of the gateway has a floor,
 * and code may name only packages on floors below its own, so no package cycle can form. Reads the
 * sources (imports and fully qualified names alike), as a reviewer would.
 */
class PackageFloorsTest {

    private static final Path SOURCES = Path.of("src/main/java/io/realtime/gateway");
    private static final Pattern NAMED = Pattern.compile("\\bio\\.realtime\\.gateway\\.([a-z]+)\\.");

    /** Floors from the ground up; a new package gets one here, which makes its place a decision. */
    private static final Map<String, Integer> FLOORS = Map.ofEntries(
            // the event model, and the plain settings and Redis connection everything below the core reads
            Map.entry("event", 0),
            Map.entry("config", 1),
            Map.entry("redis", 1),
            Map.entry("metrics", 1),
            Map.entry("security", 2),
            // the brokers and their CDI event
            Map.entry("broker", 3),
            // the channel core
            Map.entry("channel", 4),
            // who is on a channel (over the core's subscriptions), the transports, the web plumbing, what
            // reports on the floors below, the HTTP API
            Map.entry("presence", 5),
            Map.entry("transport", 5),
            Map.entry("web", 6),
            Map.entry("observability", 6),
            Map.entry("admin", 6),
            Map.entry("sse", 7),
            Map.entry("websocket", 7),
            Map.entry("api", 7),
            // the product streams, then the seed's routes over them
            Map.entry("stream", 8),
            Map.entry("routes", 9));

    @Test
    void everyPackageNamesOnlyFloorsBelowIt() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertEquals(new TreeSet<>(FLOORS.keySet()), new TreeSet<>(uses.keySet()),
                "every package has a floor in this test, and every floor a package");
        List<String> upward = new ArrayList<>();
        uses.forEach((from, targets) -> {
            for (String to : targets) {
                if (FLOORS.get(to) >= FLOORS.get(from)) {
                    upward.add(from + " (floor " + FLOORS.get(from) + ") names " + to + " (floor " + FLOORS.get(to) + ")");
                }
            }
        });
        assertTrue(upward.isEmpty(), "imports that do not point down: " + upward);
    }

    @Test
    void theCheckSeesARealImport() throws IOException {
        // Guards the reader itself: a known downward import is found, so an empty graph cannot pass.
        assertTrue(uses().get("channel").contains("broker"), "channel imports broker");
    }

    /** For each top-level package, the other top-level packages its sources name. */
    private static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file).getName(0).toString();
                Set<String> targets = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = NAMED.matcher(withoutPackageLine(Files.readString(file)));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        targets.add(m.group(1));
                    }
                }
            }
        }
        return uses;
    }

    private static String withoutPackageLine(String source) {
        return source.replaceFirst("(?m)^package [^;]+;", "");
    }
}
