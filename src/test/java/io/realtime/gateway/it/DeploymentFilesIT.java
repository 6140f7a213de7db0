package io.realtime.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.Await;
import io.realtime.gateway.testsupport.GatewayHttp;
import io.realtime.gateway.testsupport.PrometheusText;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * What cannot run here (no container engine, no cluster), checked as far as reading goes: every file
 * the Dockerfile copies exists after the build and gets past .dockerignore; the compose file and the
 * Kubernetes manifests parse; every probe and health check is a path the running gateway answers; the
 * grace period covers the shutdown drain; the Grafana dashboard asks only for metrics /metrics serves.
 */
class DeploymentFilesIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private final GatewayHttp http = GatewayHttp.testServer();

    @Test
    void everyFileTheDockerfileCopiesExistsAfterTheBuild() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("Dockerfile"));
        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore"));
        List<String> sources = new ArrayList<>();
        for (String line : lines) {
            String l = line.trim();
            if (!l.startsWith("COPY ") && !l.startsWith("ADD ")) {
                continue;
            }
            List<String> args = new ArrayList<>(List.of(l.split("\\s+")));
            args.remove(0);
            args.removeIf(a -> a.startsWith("--"));
            assertTrue(args.size() >= 2, line);
            sources.addAll(args.subList(0, args.size() - 1));
        }
        assertFalse(sources.isEmpty(), "the Dockerfile copies something");
        for (String source : sources) {
            assertTrue(Files.exists(ROOT.resolve(source)), "copied but missing after the build: " + source);
            // .dockerignore excludes everything ("*") and lets through what is named with "!".
            assertTrue(ignore.contains("!" + source), source + " is not let through .dockerignore");
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FROM icr.io/appcafe/open-liberty:")),
                "the official Open Liberty image");
        assertTrue(lines.stream().anyMatch(l -> l.trim().equals("RUN features.sh")), "only server.xml's features");
    }

    @Test
    void kubernetesManifestsParseAndTheirProbesAnswer() throws IOException {
        List<Map<String, Object>> docs = yamlDocuments(ROOT.resolve("deploy/k8s/gateway.yaml"));
        Map<String, Map<String, Object>> byKind = new HashMap<>();
        for (Map<String, Object> doc : docs) {
            byKind.put((String) doc.get("kind"), doc);
        }
        assertEquals(Set.of("ConfigMap", "Deployment", "Service", "PodDisruptionBudget"), byKind.keySet());

        Map<String, Object> pod = map(map(map(byKind.get("Deployment"), "spec"), "template"), "spec");
        Map<String, Object> container = list(pod, "containers").get(0);
        Map<String, String> probes = new HashMap<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(container, probe), "httpGet");
            assertEquals("http", get.get("port"), probe);
            probes.put(probe, (String) get.get("path"));
        }
        assertEquals(Map.of("startupProbe", "/health/started", "livenessProbe", "/health/live",
                "readinessProbe", "/health/ready"), probes);
        for (String path : probes.values()) {
            assertAnswers(path);
        }
        Map<String, Object> port = list(container, "ports").get(0);
        assertEquals(9080, port.get("containerPort"));

        // The grace period covers the preStop wait, the drain and Liberty's own stop.
        Map<String, Object> config = map(byKind.get("ConfigMap"), "data");
        long drainMs = Long.parseLong((String) config.get("GATEWAY_SHUTDOWN_DRAIN_MS"));
        List<?> preStop = (List<?>) map(map(map(container, "lifecycle"), "preStop"), "exec").get("command");
        long preStopS = Long.parseLong((String) preStop.get(1));
        int grace = (Integer) pod.get("terminationGracePeriodSeconds");
        assertTrue(grace >= preStopS + drainMs / 1000 + 10, "grace " + grace + " s < preStop " + preStopS
                + " s + drain " + drainMs + " ms + 10 s for Liberty to stop");

        Map<String, Object> pdb = map(byKind.get("PodDisruptionBudget"), "spec");
        Object labels = map(map(byKind.get("Deployment"), "spec"), "selector").get("matchLabels");
        assertEquals(labels, map(pdb, "selector").get("matchLabels"), "the budget covers the gateway's pods");
        assertEquals(labels, map(byKind.get("Service"), "spec").get("selector"));
        assertTrue((Integer) pdb.get("minAvailable") < (Integer) map(byKind.get("Deployment"), "spec").get("replicas"),
                "a drain can take a pod");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeFileParsesAndWhatItUsesExists() throws IOException {
        Map<String, Object> compose = yamlDocuments(ROOT.resolve("deploy/compose.yaml")).get(0);
        Map<String, Object> services = map(compose, "services");
        assertEquals(Set.of("redis", "gateway-1", "gateway-2", "nginx"), services.keySet());
        for (String name : List.of("gateway-1", "gateway-2")) {
            Map<String, Object> gateway = map(services, name);
            Map<String, Object> build = map(gateway, "build");
            Path context = ROOT.resolve("deploy").resolve((String) build.get("context")).normalize();
            assertTrue(Files.exists(context.resolve((String) build.get("dockerfile"))), "build from " + build);
            assertEquals("redis://redis:6379", map(gateway, "environment").get("REDIS_URL"));
            String test = String.join(" ", (List<String>) map(gateway, "healthcheck").get("test"));
            Matcher m = Pattern.compile("localhost:9080(/\\S*)").matcher(test);
            assertTrue(m.find(), test);
            assertAnswers(m.group(1));
        }
        for (Object volume : (List<?>) map(services, "nginx").get("volumes")) {
            String source = volume.toString().split(":")[0];
            assertTrue(Files.exists(ROOT.resolve("deploy").resolve(source)), "nginx mounts " + source);
        }
    }

    @Test
    void grafanaDashboardAsksOnlyForMetricsTheGatewayServes() throws Exception {
        // The counters registered on first use: one refused request, one WebSocket closed.
        http.post("/api/channels/job:1/events", "application/json", "{}");
        WsTestClient ws = WsTestClient.connect(URI.create("ws://localhost:" + GatewayHttp.testServerPort() + "/ws"));
        ws.sendOp("op", "ping");
        ws.next("pong", Duration.ofSeconds(15));
        ws.close();

        JsonObject dashboard = GatewayHttp.json(Files.readString(ROOT.resolve("deploy/grafana/realtime-gateway.json")));
        Set<String> wanted = new TreeSet<>();
        Pattern metric = Pattern.compile("\\bgateway_[a-z_]+");
        for (JsonValue panel : dashboard.getJsonArray("panels")) {
            for (JsonValue target : panel.asJsonObject().getJsonArray("targets")) {
                Matcher m = metric.matcher(target.asJsonObject().getString("expr"));
                while (m.find()) {
                    wanted.add(m.group());
                }
            }
        }
        assertTrue(wanted.size() >= 15, wanted.toString());
        // The server's onClose (which registers the closed-connection counter) runs after the close
        // handshake the client saw: wait for the scrape to hold every metric, with a generous bound.
        Await.until(Duration.ofSeconds(30), "the dashboard's metrics all served by /metrics",
                () -> {
                    PrometheusText scrape = PrometheusText.parse(http.get("/metrics").body());
                    return wanted.stream().filter(name -> !scrape.has(name)).toList();
                }, List::isEmpty);
    }

    private void assertAnswers(String path) {
        HttpResponse<String> r = http.get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
    }

    private static List<Map<String, Object>> yamlDocuments(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(Files.readString(file))) {
            if (doc != null) {
                docs.add(castMap(doc));
            }
        }
        assertFalse(docs.isEmpty(), file + " has documents");
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        assertTrue(o instanceof Map, "a mapping: " + o);
        return (Map<String, Object>) o;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object v = parent.get(key);
        assertTrue(v instanceof Map, key + " is a mapping in " + parent.keySet());
        return castMap(v);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        Object v = parent.get(key);
        assertTrue(v instanceof List, key + " is a list");
        return (List<Map<String, Object>>) v;
    }
}
