package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The runnable JAR's Liberty, extracted once per test JVM, with a warm workarea (Liberty's OSGi bundle
 * cache and feature resolution, written by one start) that each test gateway gets a copy of in an output
 * directory of its own ({@code WLP_OUTPUT_DIR}). The same files the JAR would extract, the same
 * {@code bin/server run} it ends in (that script execs the JVM, so the process is the server and SIGTERM
 * reaches it as with {@code java -jar}); what a start saves is Liberty's cold bootstrap (README "Tests":
 * the kernel up in 17 s instead of 26-33 s, 13-14 s of CPU instead of 18-21 s, rough readings under load).
 *
 * <p>A workarea is only warm where it was made: the install must stay at its path (a moved install
 * started cold, measured), the output directory may move. Off with {@code -Dgateway.test.warm-runtime=false}
 * (every gateway then extracts the JAR afresh); a runtime that cannot be prepared falls back to that too.
 */
final class WarmRuntime {

    private static final String SERVER = "gatewayServer";

    private final Path wlp;
    private final Path template;

    private WarmRuntime(Path wlp, Path template) {
        this.wlp = wlp;
        this.template = template;
    }

    /** Prepared once per JVM on first use (class initialisation is thread-safe); empty when switched off or failed. */
    private static final class Holder {
        static final java.util.Optional<WarmRuntime> RUNTIME = prepareOrNot();
    }

    static java.util.Optional<WarmRuntime> get() {
        return Holder.RUNTIME;
    }

    private static java.util.Optional<WarmRuntime> prepareOrNot() {
        if (!Boolean.parseBoolean(System.getProperty("gateway.test.warm-runtime", "true"))) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(prepare());
        } catch (IOException | RuntimeException e) {
            System.err.println("WarmRuntime: not prepared, every test gateway extracts the JAR: " + e);
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    /**
     * Extracts the JAR by running it once (to its readiness, then a graceful stop: the JAR keeps a
     * directory it was told to extract to), and keeps that server's workarea as the template.
     */
    private static WarmRuntime prepare() throws IOException, InterruptedException {
        Path jar = GatewayProcess.jarPath();
        Path root = Path.of(System.getProperty("gateway.runtime.dir", "target/gateway-runtime")).toAbsolutePath();
        deleteQuietly(root);
        Files.createDirectories(root);
        Path extract = root.resolve("install");
        int http = FreePorts.next();
        List<String> command = new ArrayList<>(GatewayProcess.javaCommand());
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(root.resolve("warm-up.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("HTTP_PORT", String.valueOf(http));
        env.put("HTTPS_PORT", String.valueOf(FreePorts.next()));
        env.put("WLP_JAR_EXTRACT_DIR", extract.toString());
        Process process = builder.start();
        try {
            awaitReady(process, http, root.resolve("warm-up.log"));
        } finally {
            process.destroy();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("warm-up server did not stop");
            }
        }
        Path wlp = extract.resolve("wlp");
        Path server = wlp.resolve("usr/servers").resolve(SERVER);
        Path template = root.resolve("output");
        // The workarea is the warm part; the server's generated keys (resources/security) are kept too,
        // so that no instance spends its start making them. Its logs are not: each instance writes its own.
        copyTree(server.resolve("workarea"), template.resolve(SERVER).resolve("workarea"));
        if (Files.isDirectory(server.resolve("resources"))) {
            copyTree(server.resolve("resources"), template.resolve(SERVER).resolve("resources"));
        }
        if (!Files.isExecutable(wlp.resolve("bin/server"))) {
            throw new IllegalStateException("no executable bin/server in " + wlp);
        }
        return new WarmRuntime(wlp, template);
    }

    /** A fresh output directory holding a copy of the warm workarea. */
    Path newOutputDir() throws IOException {
        Path out = Files.createTempDirectory(template.getParent(), "instance-");
        copyTree(template, out);
        return out;
    }

    /** {@code bin/server run} of the extracted install: the script execs the JVM in its place. */
    ProcessBuilder launcher(Path outputDir, List<String> jvmArgs) {
        ProcessBuilder builder = new ProcessBuilder(wlp.resolve("bin/server").toString(), "run", SERVER);
        Map<String, String> env = builder.environment();
        env.put("WLP_OUTPUT_DIR", outputDir.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JVM_ARGS", String.join(" ", jvmArgs));
        return builder;
    }

    private static void awaitReady(Process process, int port, Path log) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://localhost:" + port + "/health/ready");
        Await.until(GatewayProcess.START_TIMEOUT, "warm-up gateway on " + port + " ready", () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("warm-up gateway exited while starting, see " + log);
            }
            try {
                return client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(15)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false; // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                // Liberty's lock and command files of the stopped warm-up server (.sLock, .sCommand...): not carried over.
                if (!name.startsWith(".s")) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }
}
