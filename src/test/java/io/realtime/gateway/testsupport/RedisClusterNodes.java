package io.realtime.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;

/**
 * A three-master Redis Cluster of real {@code redis-server} processes on free loopback ports, made
 * with {@code redis-cli --cluster create ... --cluster-replicas 0}. Set {@code REDIS_CLI} to use
 * another redis-cli.
 */
public final class RedisClusterNodes implements AutoCloseable {

    private static final String CLI = System.getenv().getOrDefault("REDIS_CLI", "redis-cli");

    private final List<RedisServer> nodes = new ArrayList<>();
    private final List<LinkProxy> proxies = new ArrayList<>();

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

    /**
     * The same cluster with each node behind a {@link LinkProxy} whose port the node announces as its
     * own ({@code cluster-announce-port}): clients find the proxies in the slot map and in redirects,
     * so every client connection to a node goes through one, and a test can cut it or hold answers
     * back. The cluster bus still runs node to node.
     */
    public static RedisClusterNodes startBehindProxies(int masters) {
        RedisClusterNodes cluster = start(masters);
        try {
            Set<Integer> proxyPorts = new HashSet<>();
            for (RedisServer node : cluster.nodes) {
                LinkProxy proxy = new LinkProxy(node.port());
                cluster.proxies.add(proxy);
                proxyPorts.add(proxy.port());
                try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
                    jedis.configSet("cluster-announce-port", Integer.toString(proxy.port()));
                }
            }
            Await.until(Duration.ofSeconds(60), "every node to know every node by its proxy",
                    () -> cluster.nodes.stream().allMatch(n -> proxyPorts.containsAll(announcedPorts(n))));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The nodes' proxies, in the order of {@link #nodes()}; empty unless {@link #startBehindProxies}. */
    public List<LinkProxy> proxies() {
        return proxies;
    }

    /**
     * Every node (or its proxy) as a seed URL, comma-separated (the form {@code redis.url} takes in
     * cluster mode).
     */
    public String url() {
        if (!proxies.isEmpty()) {
            return proxies.stream().map(LinkProxy::url).collect(Collectors.joining(","));
        }
        return nodes.stream().map(RedisServer::url).collect(Collectors.joining(","));
    }

    /** The client ports a node gives for every node it knows ({@code CLUSTER NODES}: ip:port@busport). */
    private static Set<Integer> announcedPorts(RedisServer node) {
        try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
            Set<Integer> ports = new HashSet<>();
            for (String line : jedis.clusterNodes().split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length > 1) {
                    String address = fields[1].split("@")[0];
                    ports.add(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
                }
            }
            return ports;
        }
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
        proxies.forEach(LinkProxy::close);
        nodes.forEach(RedisServer::close);
    }
}
