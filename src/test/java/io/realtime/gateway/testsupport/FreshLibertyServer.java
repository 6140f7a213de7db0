package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Liberty server an operator would make: created with {@code bin/server create} in the build's
 * runtime ({@code target/liberty/wlp}), its {@code server.xml} exactly the README's fragment for an
 * existing Liberty, the built WAR in {@code apps/}, and driven with the same {@code bin/server}
 * commands (start, pause, resume, stop). Its user directory is a temporary one, so nothing of it
 * lands in the runtime the build packages. The test's only additions are a config drop-in that
 * moves the listening ports to free ones and points {@code redis.url} (an example host in the
 * README) at a real Redis.
 */
public final class FreshLibertyServer implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

    private final Path wlp;
    private final Path userDir;
    private final String name;
    private final int httpPort;

    private FreshLibertyServer(Path wlp, Path userDir, String name, int httpPort) {
        this.wlp = wlp;
        this.userDir = userDir;
        this.name = name;
        this.httpPort = httpPort;
    }

    /** The README's server.xml fragment for an existing Liberty, as a whole server.xml. */
    public static String readmeServerXml() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("\\*\\*On an existing Liberty\\*\\*.*?```xml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        if (!m.find()) {
            throw new IllegalStateException("README has no server.xml fragment under **On an existing Liberty**");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<server>\n" + m.group(1) + "</server>\n";
    }

    /** Creates the server with the README's fragment and the WAR, starts it and waits until it is ready. */
    public static FreshLibertyServer start(String redisUrl) throws IOException, InterruptedException {
        Path wlp = Path.of(System.getProperty("arquillian.wlp.home", "target/liberty/wlp")).toAbsolutePath();
        Path war = Path.of(System.getProperty("gateway.war", "target/realtime-gateway.war")).toAbsolutePath();
        if (!Files.isExecutable(wlp.resolve("bin/server")) || !Files.exists(war)) {
            throw new IllegalStateException("No Liberty runtime at " + wlp + " or no WAR at " + war + ": run mvn package");
        }
        Path userDir = Files.createTempDirectory("gateway-wlp-usr-");
        int http = FreePorts.next();
        int https = FreePorts.next();
        FreshLibertyServer server = new FreshLibertyServer(wlp, userDir, "readme", http);
        server.command("create");
        Path dir = server.serverDir();
        Files.writeString(dir.resolve("server.xml"), readmeServerXml());
        Path overrides = Files.createDirectories(dir.resolve("configDropins/overrides"));
        Files.writeString(overrides.resolve("test-ports.xml"), """
                <server>
                    <httpEndpoint id="defaultHttpEndpoint" host="*" httpPort="%d" httpsPort="%d"/>
                    <variable name="redis.url" value="%s"/>
                </server>
                """.formatted(http, https, redisUrl));
        Files.copy(war, dir.resolve("apps/realtime-gateway.war"), StandardCopyOption.REPLACE_EXISTING);
        try {
            server.command("start");
            server.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int httpPort() {
        return httpPort;
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    /** Runs {@code bin/server <action> <name>}; @return its exit code (0: done) */
    public int command(String action) throws IOException, InterruptedException {
        Path out = Files.createTempFile(userDir, "server-" + action + "-", ".out");
        ProcessBuilder builder = new ProcessBuilder(wlp.resolve("bin/server").toString(), action, name)
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("WLP_USER_DIR", userDir.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // The test gateways' JVM options (C1 only, the serial collector: GatewayProcess): they are the
        // JVM's, not the server's configuration, which stays the README's.
        builder.environment().put("JVM_ARGS", String.join(" ", GatewayProcess.jvmArgs()));
        Process p = builder.start();
        if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("server " + action + " did not return within " + COMMAND_TIMEOUT
                    + ":\n" + Files.readString(out));
        }
        return p.exitValue();
    }

    /** The server's messages.log so far. */
    public String messages() {
        try {
            return Files.readString(serverDir().resolve("logs/messages.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no messages.log: " + e + ")";
        }
    }

    private Path serverDir() {
        return userDir.resolve("servers").resolve(name);
    }

    private void awaitReady() throws InterruptedException, IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("server not ready within " + READY_TIMEOUT + ":\n" + messages());
    }

    /** Stops the server if it still runs, keeps its log (target/gateway-logs), removes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        command("stop");
        Path kept = Path.of(System.getProperty("gateway.logs", "target/gateway-logs"));
        Files.createDirectories(kept);
        Files.writeString(kept.resolve("fresh-liberty-" + httpPort + "-messages.log"), messages());
        try (Stream<Path> files = Files.walk(userDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
