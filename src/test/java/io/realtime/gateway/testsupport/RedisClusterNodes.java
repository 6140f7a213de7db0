package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A three-master Redis Cluster of real {@code redis-server} processes on free loopback ports, made
 * with {@code redis-cli --cluster create ... --cluster-replicas 0}. Set {@code REDIS_CLI} to use
 * another redis-cli.
 */
public final class RedisClusterNodes implements AutoCloseable {

    private static final String CLI = System.getenv().getOrDefault("REDIS_CLI", "redis-cli");

    private final List<RedisServer> nodes = new ArrayList<>();

    private RedisClusterNodes() {
    }

    public static RedisClusterNodes start(int masters) {
        RedisClusterNodes cluster = new RedisClusterNodes();
        try {
            for (int i = 0; i < masters; i++) {
                cluster.nodes.add(RedisServer.start("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
            }
            cluster.create();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** Every node as a seed URL, comma-separated (the form {@code redis.url} takes in cluster mode). */
    public String url() {
        return nodes.stream().map(RedisServer::url).collect(Collectors.joining(","));
    }

    private void create() {
        List<String> cmd = new ArrayList<>(List.of(CLI, "--cluster", "create"));
        for (RedisServer node : nodes) {
            cmd.add("127.0.0.1:" + node.port());
        }
        cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Await.until(Duration.ofSeconds(60), "every node says cluster_state:ok",
                () -> nodes.stream().allMatch(RedisClusterNodes::ready));
    }

    /** The node agrees the cluster is OK and knows all its masters. */
    private static boolean ready(RedisServer node) {
        try {
            Process p = new ProcessBuilder(CLI, "-p", Integer.toString(node.port()), "cluster", "info")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.contains("cluster_state:ok");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
