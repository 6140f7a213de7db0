package io.realtime.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A route declaration is read whole, and one that does not parse names the key to fix. */
class StreamRoutesTest {

    private static Map<String, StreamRoute> read(Map<String, String> settings) {
        return StreamRoutes.from(key -> Optional.ofNullable(settings.get(key)));
    }

    @Test
    void aDeclarationGivesTheRouteItsChannelStartAndEnd() {
        StreamRoute route = read(Map.of("gateway.routes", " render-progress , ticks",
                "gateway.route.render-progress.channel", "job:{jobId}",
                "gateway.route.render-progress.start", "latest",
                "gateway.route.render-progress.end-on", "job_completed, job_failed",
                "gateway.route.ticks.channel", "tick:{counterId}")).get("render-progress");
        assertEquals("job", route.namespace());
        assertEquals("jobId", route.idName());
        assertEquals("job:42", route.channel("42"));
        assertEquals(new StreamOptions(StreamOptions.Start.LATEST, Set.of("job_completed", "job_failed")), route.options());
        StreamRoute ticks = read(Map.of("gateway.routes", "ticks", "gateway.route.ticks.channel", "tick:{counterId}")).get("ticks");
        assertEquals(StreamOptions.GENERIC, ticks.options(), "no start or end declared: the generic stream's");
        assertEquals(List.of("a", "b"), List.copyOf(read(Map.of("gateway.routes", "a,b",
                "gateway.route.a.channel", "x:{id}", "gateway.route.b.channel", "y:{id}")).keySet()), "declaration order");
    }

    @Test
    void aDeclarationThatDoesNotParseNamesItsKey() {
        assertMessage("gateway.route.r.channel", Map.of("gateway.routes", "r"));
        assertMessage("gateway.route.r.channel", Map.of("gateway.routes", "r", "gateway.route.r.channel", "job:42"));
        assertMessage("gateway.route.r.start", Map.of("gateway.routes", "r", "gateway.route.r.channel", "job:{id}",
                "gateway.route.r.start", "soon"));
        assertMessage("gateway.routes", Map.of("gateway.routes", "Bad/Route"));
        assertTrue(read(Map.of()).isEmpty());
    }

    private static void assertMessage(String key, Map<String, String> settings) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(settings));
        assertTrue(e.getMessage().startsWith(key), e.getMessage());
    }
}
