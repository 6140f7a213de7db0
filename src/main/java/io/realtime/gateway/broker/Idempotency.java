package io.realtime.gateway.broker;

import java.time.Duration;

/**
 * How idempotent publishes are remembered (DESIGN §4): a publish carrying a key that was published
 * on the same channel within {@code window} publishes nothing and gets the first id back.
 *
 * @param window            how long a key is remembered ({@code gateway.publish.idempotency-window-seconds})
 * @param maxKeysPerChannel the most keys a local broker remembers per channel, oldest forgotten first
 *                          ({@code gateway.publish.idempotency-max-keys}); Redis keeps every key its window
 */
public record Idempotency(Duration window, int maxKeysPerChannel) {

    /** Five minutes, as Centrifugo's publish API keeps its idempotency keys; 10,000 keys a channel. */
    public static final Idempotency DEFAULT = new Idempotency(Duration.ofMinutes(5), 10_000);
}
