package io.realtime.gateway.security;

import io.realtime.gateway.event.LimitException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Events per second each client may publish (DESIGN §7): a token bucket per client, refilled at
 * {@code gateway.limits.publish-rate} events a second up to {@code gateway.limits.publish-burst}.
 * A client is its token's subject, or its address when anonymous. A batch takes one token per event,
 * all or none. A rate of 0 turns the limit off.
 */
@ApplicationScoped
public class PublishRate {

    /** Buckets kept before full ones (clients idle long enough to have refilled) are swept. */
    private static final int SWEEP_ABOVE = 10_000;

    private double perSecond;
    private double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    protected PublishRate() {
        // for the CDI proxy
    }

    @Inject
    public PublishRate(@ConfigProperty(name = "gateway.limits.publish-rate") double perSecond,
                       @ConfigProperty(name = "gateway.limits.publish-burst") double burst) {
        this.perSecond = perSecond;
        this.burst = Math.max(burst, 1);
    }

    /** The key a caller is counted under. */
    public static String client(Caller caller, String address) {
        return caller.isAnonymous() ? "address " + address : "user " + caller.subject();
    }

    /** @throws LimitException {@code publish_rate} when the client has fewer than {@code events} tokens */
    public void take(String client, int events) {
        if (perSecond <= 0) {
            return;
        }
        if (buckets.size() > SWEEP_ABOVE) {
            long now = System.nanoTime();
            buckets.values().removeIf(b -> b.isFull(now, perSecond, burst));
        }
        Bucket bucket = buckets.computeIfAbsent(client, k -> new Bucket(burst));
        if (!bucket.take(events, System.nanoTime(), perSecond, burst)) {
            throw new LimitException("publish_rate", "Publishing faster than " + (long) perSecond
                    + " events a second (bursts up to " + (long) burst + "); retry later");
        }
    }

    /** Seconds until a refused client has a token again, for {@code Retry-After}. */
    public long retryAfterSeconds() {
        return perSecond <= 0 ? 1 : Math.max(1, (long) Math.ceil(1 / perSecond));
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAtNanos = System.nanoTime();

        Bucket(double tokens) {
            this.tokens = tokens;
        }

        synchronized boolean take(int n, long now, double perSecond, double burst) {
            refill(now, perSecond, burst);
            if (tokens < n) {
                return false;
            }
            tokens -= n;
            return true;
        }

        synchronized boolean isFull(long now, double perSecond, double burst) {
            refill(now, perSecond, burst);
            return tokens >= burst;
        }

        private void refill(long now, double perSecond, double burst) {
            tokens = Math.min(burst, tokens + (now - refilledAtNanos) / 1e9 * perSecond);
            refilledAtNanos = now;
        }
    }
}
