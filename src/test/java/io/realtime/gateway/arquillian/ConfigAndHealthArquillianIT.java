package io.realtime.gateway.arquillian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.config.NamespaceSettings;
import io.realtime.gateway.config.Namespaces;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.observability.BrokerReadinessCheck;
import io.realtime.gateway.observability.ExecutorLivenessCheck;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Settings as MicroProfile Config hands them to the application (no overrides on the test server, so
 * the documented defaults), and what the health checks report, from the beans and over HTTP.
 */
@ExtendWith(ArquillianExtension.class)
public class ConfigAndHealthArquillianIT {

    @Deployment
    public static WebArchive deployment() {
        return GatewayDeployment.of("arq-config-health", ConfigAndHealthArquillianIT.class);
    }

    @Inject
    GatewayConfig config;

    // Health checks carry their procedure's qualifier instead of @Default.
    @Inject
    @Readiness
    BrokerReadinessCheck readiness;

    @Inject
    @Liveness
    ExecutorLivenessCheck liveness;

    /** DESIGN §2, §4-§6 and the README's table of settings. */
    @Test
    void configurationHasTheDocumentedDefaults() {
        assertEquals(Duration.ofSeconds(15), config.sseHeartbeat());
        assertEquals(3000, config.sseRetryMs());
        assertEquals(32, config.sseMaxChannels());
        assertEquals(Duration.ofSeconds(25), config.wsPing());
        assertEquals(65536, config.wsMaxFrameBytes());
        assertEquals(256, config.wsMaxSubscriptions());
        assertEquals(65536, config.publishMaxBodyBytes());
        assertEquals(1000, config.publishMaxBatch());
        assertEquals(4096, config.outboundQueueSize());
        assertEquals(Duration.ofMillis(2000), config.shutdownDrain());

        Namespaces namespaces = config.namespaces();
        Map<String, NamespaceSettings> all = namespaces.all();
        assertEquals(Set.of("job", "council", "campaign", "abtest", "alerts", "system"), all.keySet());
        for (NamespaceSettings ns : all.values()) {
            assertEquals(ns.name().equals("council") ? 10_000 : 1_000, ns.history().size(), ns.name());
            assertEquals(Duration.ofMinutes(10), ns.history().ttl(), ns.name());
            assertEquals(ns.name().equals("system"), ns.bare(), ns.name() + " bare");
        }
        assertEquals(10_000, namespaces.history("council:7").size());
        assertEquals(1_000, namespaces.history("job:7").size());

        assertEquals("system", namespaces.channel("system").value());
        assertEquals(ErrorCode.BAD_CHANNEL,
                assertThrows(InvalidInputException.class, () -> namespaces.channel("job")).code());
        assertEquals(ErrorCode.UNKNOWN_NAMESPACE,
                assertThrows(InvalidInputException.class, () -> namespaces.channel("orders:1")).code());
    }

    @Test
    void readinessCarriesTheBrokerState() {
        HealthCheckResponse response = readiness.call();
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals("broker", response.getName());
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals("local", data.get("mode"));
        assertEquals(Boolean.TRUE, data.get("connected"));
        assertEquals(Boolean.FALSE, data.get("degraded"));
    }

    @Test
    void livenessProbesTheManagedExecutor() {
        HealthCheckResponse response = liveness.call();
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus(), String.valueOf(response.getData()));
        assertEquals("executor", response.getName());
        assertTrue(((Number) response.getData().orElseThrow().get("probeMicros")).longValue() >= 0);
    }

    /** The same checks as mpHealth serves them, from outside the server. */
    @Test
    @RunAsClient
    void healthEndpointsServeTheChecks() throws Exception {
        String base = "http://localhost:" + System.getProperty("arquillian.http.port");
        JsonObject ready = get(base + "/health/ready");
        assertEquals("UP", ready.getString("status"), ready.toString());
        JsonObject broker = check(ready, "broker");
        assertEquals("UP", broker.getString("status"));
        assertEquals("local", broker.getJsonObject("data").getString("mode"));
        assertTrue(broker.getJsonObject("data").getBoolean("connected"));
        assertFalse(broker.getJsonObject("data").getBoolean("degraded"));

        JsonObject live = get(base + "/health/live");
        assertEquals("UP", live.getString("status"), live.toString());
        assertEquals("UP", check(live, "executor").getString("status"));
    }

    private static JsonObject get(String uri) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static JsonObject check(JsonObject health, String name) {
        return health.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(c -> name.equals(c.getString("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no check '" + name + "' in " + health));
    }
}
