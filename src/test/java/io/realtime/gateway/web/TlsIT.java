package io.realtime.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.testsupport.GatewayProcess;
import io.realtime.gateway.testsupport.OwnServers;
import io.realtime.gateway.testsupport.WsTestClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS and WSS from the runnable JAR with TLS switched on from the environment (README, TLS): a
 * keystore made here with keytool, trusted by the client and nothing else.
 */
@OwnServers
class TlsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PASSWORD = "tls-it-" + UUID.randomUUID();

    @TempDir
    Path dir;

    @Test
    void httpsPublishAndHistoryAndWssSubscriptionTrustingTheConfiguredCertificate() throws Exception {
        Path keystore = dir.resolve("gateway.p12");
        keytool("-genkeypair", "-alias", "gateway", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(5)).build();

        try (GatewayProcess gateway = GatewayProcess.start(Map.of(
                "TLS_ENABLED", "true",
                "TLS_KEYSTORE_PATH", keystore.toString(),
                "TLS_KEYSTORE_PASSWORD", PASSWORD))) {
            String base = "https://localhost:" + gateway.httpsPort();
            String channel = "job:tls-" + UUID.randomUUID();

            try (WsTestClient wss = WsTestClient.connect(https, URI.create("wss://localhost:" + gateway.httpsPort() + "/ws"))) {
                JsonObject subscribed = wss.subscribe(channel, null, WAIT);
                assertEquals("subscribed", subscribed.getString("op"), subscribed.toString());

                HttpResponse<String> published = https.send(HttpRequest.newBuilder(URI.create(base + "/api/channels/"
                                + channel + "/events")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"job_log\",\"data\":{\"frame\":7}}"))
                        .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, published.statusCode(), published.body());

                List<JsonObject> events = wss.events(1, WAIT);
                assertEquals(channel, events.get(0).getString("channel"));
                assertEquals(7, events.get(0).getJsonObject("data").getInt("frame"));
            }

            HttpResponse<String> history = https.send(HttpRequest.newBuilder(URI.create(base + "/api/channels/"
                    + channel + "/history")).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, history.statusCode(), history.body());
            JsonArray stored = Json.createReader(new StringReader(history.body())).readObject()
                    .getJsonArray("events");
            assertEquals(1, stored.size(), history.body());

            // Plain HTTP stays where it was (the probes read it).
            assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.uri("/health/ready"))
                    .timeout(WAIT).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertTrue(gateway.log().contains("defaultHttpEndpoint-ssl"), "Liberty opened its HTTPS channel");
        }
    }

    /** Trusts the keystore's own certificate, and no certificate authority. */
    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("gateway", store.getCertificate("gateway"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, p.exitValue(), out);
    }
}
