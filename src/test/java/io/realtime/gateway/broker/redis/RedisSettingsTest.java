package io.realtime.gateway.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.event.Fallback;
import io.realtime.gateway.redis.Backoff;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

    @Test
    void theShippedDefaultsParse() {
        RedisSettings s = TestBrokers.settings("redis://localhost:6379", Map.of());
        assertFalse(s.cluster());
        assertEquals("rt:", s.keyPrefix());
        assertEquals(Fallback.LOCAL, s.fallback());
        assertEquals(Duration.ofSeconds(2), s.timeout());
        assertEquals(Duration.ofSeconds(1), s.pingInterval());
        assertEquals(Duration.ofSeconds(3), s.deadAfter());
        assertEquals("redis", s.mode());
    }

    @Test
    void noUrlMeansLocalMode() {
        assertTrue(RedisSettings.from(key -> Optional.empty()).isEmpty());
        assertTrue(RedisSettings.from(key -> key.equals("redis.url") ? Optional.of(" ") : Optional.empty()).isEmpty());
    }

    @Test
    void clusterSeedsAndCredentialsStayOutOfLogs() {
        RedisSettings s = TestBrokers.settings("rediss://user:secret@a:7000, redis://b:7001",
                Map.of("gateway.redis.cluster", "true", "gateway.redis.fallback", "refuse"));
        assertEquals(2, s.urls().size());
        assertEquals("redis-cluster", s.mode());
        assertEquals(Fallback.REFUSE, s.fallback());
        assertEquals("rediss://a:7000 (+1 seeds)", s.where());
        assertFalse(s.where().contains("secret"));
    }

    @Test
    void nonsenseIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> TestBrokers.settings("http://localhost:6379", Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> TestBrokers.settings("redis://localhost", Map.of("gateway.redis.fallback", "maybe")));
        assertThrows(IllegalArgumentException.class, () -> TestBrokers.settings("redis://localhost",
                Map.of("gateway.redis.ping-interval-ms", "5000", "gateway.redis.dead-after-ms", "3000")));
    }

    @Test
    void backOffIsCappedExponentialWithFullJitter() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
        for (long ceiling : ceilings) {
            long delay = backoff.nextDelayMs();
            assertTrue(delay >= 0 && delay <= ceiling, delay + " above " + ceiling);
        }
        backoff.reset();
        assertTrue(backoff.nextDelayMs() <= 100);
    }

    @Test
    void keysAreHashTaggedByChannel() {
        RedisKeys keys = new RedisKeys("rt:");
        assertEquals("rt:h:{job:42}", keys.history("job:42"));
        assertEquals("rt:c:{job:42}", keys.pubsub("job:42"));
        assertEquals("job:42", keys.channelOf("rt:c:{job:42}"));
        assertEquals(null, keys.channelOf("other:c:{job:42}"));
        assertEquals(redis.clients.jedis.util.JedisClusterCRC16.getSlot("job:42"), keys.slot("job:42"));
    }
}
