package io.realtime.gateway.faults;

import io.realtime.gateway.testsupport.GatewayHttp;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Publishes over HTTP to one instance, one event every {@code intervalMs}, round-robin over the
 * scenario's channels, each event tagged {@code <name>-<n>} so that the same event seen under two
 * ids is caught; records every answer in the {@link Ledger}. It never retries: a publish that got
 * no answer is simply not accepted.
 */
final class Publisher implements AutoCloseable {

    private final String name;
    private final TwoInstances cluster;
    private final int instance;
    private final List<String> channels;
    private final long intervalMs;
    private final String pad;
    private final Ledger ledger;
    private final Thread thread;
    private volatile boolean running = true;

    Publisher(String name, TwoInstances cluster, int instance, List<String> channels, long intervalMs, int padBytes,
              Ledger ledger) {
        this.name = name;
        this.cluster = cluster;
        this.instance = instance;
        this.channels = channels;
        this.intervalMs = intervalMs;
        this.pad = padBytes > 0 ? ",\"pad\":\"" + "x".repeat(padBytes) + "\"" : "";
        this.ledger = ledger;
        this.thread = new Thread(this::run, "publisher-" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        for (int n = 0; running; n++) {
            String channel = channels.get(n % channels.size());
            String tag = name + "-" + n;
            ledger.attempt();
            try {
                HttpResponse<String> r = cluster.http(instance).post("/api/channels/" + channel + "/events",
                        "application/json", "{\"type\":\"tick\",\"data\":{\"tag\":\"" + tag + "\"" + pad + "}}");
                if (r.statusCode() == 202) {
                    JsonObject body = GatewayHttp.json(r.body());
                    ledger.accepted(channel, body.getString("id"), tag, "cluster".equals(body.getString("delivery")));
                } else if (r.statusCode() == 503) {
                    ledger.refused(tag);
                } else {
                    ledger.failed(tag, r.statusCode() + " " + r.body());
                }
            } catch (RuntimeException e) {
                ledger.failed(tag, String.valueOf(e));
            }
            pause(intervalMs);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(60_000);
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
