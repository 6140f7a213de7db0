package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process on a free loopback port, for tests: no persistence
 * ({@code --save "" --appendonly no}), so a kill -9 and a restart on the same port loses every key,
 * as a production Redis without persistence would. Set {@code REDIS_SERVER} to use another binary.
 */
public final class RedisServer implements AutoCloseable {

    private static final String BINARY = System.getenv().getOrDefault("REDIS_SERVER", "redis-server");

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisServer(int port, List<String> extraArgs) throws IOException {
        this.port = port;
        this.extraArgs = extraArgs;
        this.dir = Files.createTempDirectory("redis-" + port + "-");
    }

    /**
     * Starts a server on a free port and waits until it answers PING. A cluster node's bus gets a free
     * port of its own (Redis's default, the port + 10,000, was never checked: a run lost a cluster test to
     * it). A port taken between the check and the start (another process's) means a second try on others.
     */
    public static RedisServer start(String... extraArgs) {
        for (int attempt = 1; ; attempt++) {
            List<String> args = new ArrayList<>(List.of(extraArgs));
            if (args.contains("--cluster-enabled")) {
                args.addAll(List.of("--cluster-port", Integer.toString(FreePorts.next())));
            }
            RedisServer server;
            try {
                server = new RedisServer(FreePorts.next(), args);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                server.launch();
                return server;
            } catch (PortTaken e) {
                if (attempt == 3) {
                    throw e; // its directory kept: the message points to its log
                }
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What the server logged so far (empty if nothing). */
    private String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The server exited because a port it was given was in use by then. */
    private static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    /** Kills the process with SIGKILL (no shutdown, no save) and waits for it to be gone. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("redis-server on " + port + " did not die");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Freezes the process with SIGSTOP: its sockets stay open and the kernel still accepts
     * connections, but nothing is answered until {@link #resume()}. A Redis that hangs (a long
     * fork, a swapped-out host) looks like this to its clients, unlike one that died.
     */
    public void pause() {
        signal("STOP");
    }

    /** Thaws a {@link #pause()}d process with SIGCONT. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("redis-server on " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again on the same port, empty. */
    public void restart() {
        kill();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command (inline protocol) and returns the raw reply's first line. */
    public String command(String inline) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no",
                "--logfile", dir.resolve("redis.log").toString()));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Await.until(Duration.ofSeconds(30), "redis-server on " + port + " answers PING", () -> {
            if (!process.isAlive()) {
                String why = "redis-server on " + port + " exited: see " + dir;
                if (log().contains("Address already in use")) {
                    throw new PortTaken(why);
                }
                throw new IllegalStateException(why);
            }
            try {
                return "+PONG".equals(command("PING"));
            } catch (UncheckedIOException notYet) {
                return false;
            }
        });
    }

    @Override
    public void close() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
