package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A gateway instance of its own, launched from the runnable JAR the build made
 * ({@code target/realtime-gateway.jar}) on free loopback ports, with the environment a test gives
 * it (REDIS_URL, GATEWAY_* settings). For tests that need several instances, other settings than
 * the build's test server, or to stop a server.
 */
public final class GatewayProcess implements AutoCloseable {

    /**
     * A bound for a loaded machine, not a speed: a start takes 15 s quiet, well over a minute at a load of
     * 20, and two starts took more than 300 s at a load of 45-51 (five builds and two benchmarks on two
     * cores: CouncilLimitsIT and StreamsCrossInstanceIT failed there with the old 300 s bound).
     */
    static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("gateway.start-timeout-seconds", 600));

    /**
     * JVM options for test gateways, chosen to cut start-up CPU (most of a start is Liberty's
     * own bootstrap, run once): C1 only (about 40% less CPU to /health/ready than with C2, at a lower peak
     * speed no test needs) and the serial collector (no GC threads competing on two cores).
     * Override with {@code -Dgateway.test.jvm-args="..."} (empty: the JVM's defaults).
     */
    static final String DEFAULT_JVM_ARGS = "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    private final Process process;
    private final int httpPort;
    private final int httpsPort;
    private final Path workDir;
    private final Path log;

    private GatewayProcess(Process process, int httpPort, int httpsPort, Path workDir, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        this.workDir = workDir;
        this.log = log;
    }

    /**
     * Starts an instance and waits until {@code /health/ready} answers 200. It runs the JAR's Liberty
     * from the build's one extracted copy with a warm workarea of its own ({@link WarmRuntime}: a
     * quarter less CPU per start); {@link #startFromJar} when the test is about {@code java -jar} itself.
     */
    public static GatewayProcess start(Map<String, String> env) throws IOException, InterruptedException {
        java.util.Optional<WarmRuntime> warm = WarmRuntime.get();
        if (warm.isEmpty()) {
            return startFromJar(env);
        }
        Path output = warm.get().newOutputDir();
        return launch(warm.get().launcher(output, jvmArgs()), output, env);
    }

    /** Starts an instance with {@code java -jar} on the runnable JAR (extracted afresh), and waits until it is ready. */
    public static GatewayProcess startFromJar(Map<String, String> env) throws IOException, InterruptedException {
        Path jar = jarPath();
        List<String> command = new ArrayList<>(javaCommand());
        command.add("-jar");
        command.add(jar.toString());
        Path extract = Files.createTempDirectory("gateway-wlp-");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("WLP_JAR_EXTRACT_DIR", extract.toString());
        return launch(builder, extract, env);
    }

    private static GatewayProcess launch(ProcessBuilder builder, Path workDir, Map<String, String> env)
            throws IOException, InterruptedException {
        int http = FreePorts.next();
        int https = FreePorts.next();
        Path log = Files.createTempFile("gateway-" + http + "-", ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("HTTP_PORT", String.valueOf(http));
        environment.put("HTTPS_PORT", String.valueOf(https));
        environment.putAll(new HashMap<>(env));
        GatewayProcess gateway = new GatewayProcess(builder.start(), http, https, workDir, log);
        gateway.awaitReady();
        return gateway;
    }

    /** The runnable JAR the build made ({@code -Dgateway.jar}, else {@code target/realtime-gateway.jar}). */
    static Path jarPath() {
        Path jar = Path.of(System.getProperty("gateway.jar", "target/realtime-gateway.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("No runnable JAR at " + jar + ": run mvn package first");
        }
        return jar.toAbsolutePath();
    }

    /** The JVM options of test gateways ({@link #DEFAULT_JVM_ARGS}, or {@code -Dgateway.test.jvm-args}). */
    static List<String> jvmArgs() {
        List<String> args = new ArrayList<>();
        for (String arg : System.getProperty("gateway.test.jvm-args", DEFAULT_JVM_ARGS).trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                args.add(arg);
            }
        }
        return args;
    }

    /** This JVM's java with {@link #jvmArgs()}. */
    static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs());
        return command;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Where HTTPS listens once TLS is switched on (TLS_ENABLED=true, README); readiness is still read over HTTP. */
    public int httpsPort() {
        return httpsPort;
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    /** What the server printed so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * Liberty's {@code messages.log} (under the server's output directory), what an operator reads; the
     * console output when there is none yet.
     */
    public String messagesLog() {
        try (Stream<Path> files = Files.walk(workDir)) {
            Path found = files.filter(p -> p.getFileName().toString().equals("messages.log")).findFirst().orElse(null);
            return found == null ? log() : Files.readString(found);
        } catch (IOException e) {
            return log();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The JVM's process id, for what /proc and jcmd say about it (threads, descriptors, heap). */
    public long pid() {
        return process.pid();
    }

    /** A graceful stop (SIGTERM: Liberty stops its applications, running their @PreDestroy). */
    public void stop() throws InterruptedException {
        stop(Duration.ofSeconds(60));
    }

    /**
     * A graceful stop (SIGTERM), killed if it takes longer than {@code grace}.
     *
     * @return true if the process exited by itself within {@code grace}
     */
    public boolean stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return false;
    }

    /** SIGTERM, not waiting: the caller watches the stop ({@link #awaitExit}). */
    public void requestStop() {
        process.destroy();
    }

    /** Whether the process exited within {@code bound}. */
    public boolean awaitExit(Duration bound) throws InterruptedException {
        return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A crash: SIGKILL. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
        deleteQuietly(workDir);
        try {
            // Kept for whoever reads a failure: target/gateway-logs/gateway-<port>.log
            Path kept = Path.of(System.getProperty("gateway.logs", "target/gateway-logs"));
            Files.createDirectories(kept);
            Files.move(log, kept.resolve("gateway-" + httpPort + ".log"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a leftover temp file is harmless
        }
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            Await.until(START_TIMEOUT, "gateway on " + httpPort + " ready", () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("gateway exited while starting:\n" + log());
                }
                try {
                    return client.send(HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(15))
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false; // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw new IllegalStateException("gateway not ready within " + START_TIMEOUT + ":\n" + log(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
