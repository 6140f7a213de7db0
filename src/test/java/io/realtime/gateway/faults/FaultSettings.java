package io.realtime.gateway.faults;

import java.time.Duration;

/**
 * The short form (inside {@code mvn verify}: seconds per fault) or the long form
 * ({@code -Dfaults.long=true}: longer traffic before, during and after each fault, more clients in
 * the storm, a soak of minutes).
 */
final class FaultSettings {

    static final boolean LONG = Boolean.getBoolean("faults.long");

    /** Times the Redis kill runs in a row ({@code -Dfaults.repeat=20} for the long count of issue 25). */
    static final int REPEAT = Math.max(1, Integer.getInteger("faults.repeat", 1));

    /** Traffic before the fault and again after it is lifted. */
    static final Duration TRAFFIC = LONG ? Duration.ofSeconds(20) : Duration.ofSeconds(2);
    /** How long a fault lasts. */
    static final Duration FAULT = LONG ? Duration.ofSeconds(15) : Duration.ofSeconds(3);
    /** Milliseconds between two publishes of one publisher (one per instance). */
    static final long PUBLISH_INTERVAL_MS = 20;
    /** Clients in the reconnect storm. */
    static final int STORM_CLIENTS = LONG ? 600 : 200;
    /** Connect/disconnect churn of the soak. */
    static final Duration SOAK = LONG ? Duration.ofMinutes(5) : Duration.ofSeconds(15);
    /** How long subscribers may take to catch up once publishing stops. */
    static final Duration CONVERGE = Duration.ofSeconds(60);

    private FaultSettings() {
    }
}
