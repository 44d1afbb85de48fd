package io.stampede.testsupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import redis.embedded.RedisServer;

/**
 * A Redis Cluster of a test's own on loopback: masters, each with replicas, from the embedded-redis binary (so on
 * every machine, no {@code redis-cli} needed), joined with {@code CLUSTER MEET}, {@code ADDSLOTS} and
 * {@code REPLICATE}. A master can be killed (its replica takes over after the node timeout) and started again (it
 * comes back as a replica). Every node is stopped and its files deleted by {@link #close}.
 */
public final class RedisClusterProcess implements AutoCloseable {
    /** How long a node may be silent before the others fail it over: short, so a test waits seconds. */
    private static final int NODE_TIMEOUT_MS = 1_500;

    private static final Duration FORMING = Duration.ofSeconds(60);

    private final Path dir;
    private final Map<Integer, RedisServer> nodes = new LinkedHashMap<>();

    private RedisClusterProcess(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code masters} masters with {@code replicas} replicas each and waits until the cluster is ok. */
    public static RedisClusterProcess start(int masters, int replicas) {
        try {
            RedisClusterProcess cluster = new RedisClusterProcess(Files.createTempDirectory("stampede-cluster"));
            try {
                cluster.form(masters, replicas);
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void form(int masters, int replicas) throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < masters * (1 + replicas); i++) {
            int port = TestServices.freePort();
            ports.add(port);
            startNode(port);
        }
        List<Integer> masterPorts = ports.subList(0, masters);
        int first = ports.get(0);
        for (int port : ports.subList(1, ports.size())) {
            on(first, c -> c.clusterMeet("127.0.0.1", port));
        }
        int per = SlotHash.SLOT_COUNT / masters;
        for (int m = 0; m < masters; m++) {
            int from = m * per;
            int to = m == masters - 1 ? SlotHash.SLOT_COUNT - 1 : from + per - 1;
            int[] slots = new int[to - from + 1];
            for (int s = 0; s < slots.length; s++) {
                slots[s] = from + s;
            }
            on(masterPorts.get(m), c -> c.clusterAddSlots(slots));
        }
        Awaitility.await("every node knows every other")
                .atMost(FORMING)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ports.stream()
                        .allMatch(
                                p -> on(p, RedisCommands::clusterNodes).lines().count() == ports.size()));
        for (int r = 0; r < masters * replicas; r++) {
            int replica = ports.get(masters + r);
            String master = on(masterPorts.get(r % masters), RedisCommands::clusterMyId);
            on(replica, c -> c.clusterReplicate(master));
        }
        Awaitility.await("the cluster is ok with every replica in sync")
                .atMost(FORMING)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ports.stream()
                                .allMatch(p -> on(p, RedisCommands::clusterInfo).contains("cluster_state:ok"))
                        && masterPorts.stream()
                                .allMatch(p ->
                                        on(p, c -> c.info("replication")).contains("connected_slaves:" + replicas)));
    }

    private void startNode(int port) throws IOException {
        Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .setting("bind 127.0.0.1")
                .setting("dir " + nodeDir)
                .setting("cluster-enabled yes")
                .setting("cluster-config-file nodes.conf")
                .setting("cluster-node-timeout " + NODE_TIMEOUT_MS)
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        server.start();
        nodes.put(port, server);
    }

    /** {@code host:port,…} of every node, as {@code SPRING_DATA_REDIS_CLUSTER_NODES} takes it. */
    public String nodes() {
        return nodes.keySet().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** The port of the master that serves the key now, as the cluster itself says. */
    public int masterOf(String key) {
        int slot = SlotHash.getSlot(key);
        for (String line : anyLiveNode(RedisCommands::clusterNodes).lines().toList()) {
            String[] f = line.split(" ", -1);
            if (!f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-", -1);
                if (range[0].startsWith("[")) {
                    continue; // a slot being migrated
                }
                int from = Integer.parseInt(range[0]);
                int to = range.length == 1 ? from : Integer.parseInt(range[1]);
                if (slot >= from && slot <= to) {
                    return Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                }
            }
        }
        throw new IllegalStateException("no master serves slot " + slot);
    }

    /** The ports of the masters that hold keys matching the pattern ({@code KEYS} on each live master). */
    public Set<Integer> mastersHolding(String pattern) {
        Set<Integer> holding = new TreeSet<>();
        for (int port : nodes.keySet()) {
            if (nodes.get(port).isActive()
                    && on(port, c -> c.info("replication")).contains("role:master")
                    && !on(port, c -> c.keys(pattern)).isEmpty()) {
                holding.add(port);
            }
        }
        return holding;
    }

    /** Kills the node as a crash does (nothing saved); it stays down until {@link #startAgain}. */
    public void kill(int port) {
        try {
            nodes.get(port).stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Kills the master serving the key and waits until one of its replicas serves it and the cluster says ok again;
     * returns the killed master's port.
     */
    public int failOver(String key) {
        int master = masterOf(key);
        kill(master);
        Awaitility.await("a replica takes over from " + master)
                .atMost(FORMING)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> masterOf(key) != master
                        && anyLiveNode(RedisCommands::clusterInfo).contains("cluster_state:ok"));
        return master;
    }

    /** Starts a killed node again; it rejoins (a failed-over master as a replica of its successor). */
    public void startAgain(int port) {
        try {
            nodes.get(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Awaitility.await("node " + port + " rejoins")
                .atMost(FORMING)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> on(port, RedisCommands::clusterInfo).contains("cluster_state:ok"));
    }

    /** Starts every killed node again (a failed-over master comes back as a replica), so a next failover has one. */
    public void startAllAgain() {
        for (int port : List.copyOf(nodes.keySet())) {
            if (!nodes.get(port).isActive()) {
                startAgain(port);
            }
        }
    }

    private <T> T anyLiveNode(Function<RedisCommands<String, String>, T> command) {
        RuntimeException last = null;
        for (int port : nodes.keySet()) {
            if (!nodes.get(port).isActive()) {
                continue;
            }
            try {
                return on(port, command);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last != null ? last : new IllegalStateException("no node is up");
    }

    /** True when every node that runs answers the predicate with true. */
    public boolean everyLiveNode(Predicate<RedisCommands<String, String>> check) {
        return nodes.keySet().stream().filter(p -> nodes.get(p).isActive()).allMatch(p -> on(p, check::test));
    }

    private static <T> T on(int port, Function<RedisCommands<String, String>, T> command) {
        RedisURI uri = RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(port)
                .withTimeout(Duration.ofSeconds(5))
                .build();
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return command.apply(connection.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        for (RedisServer server : nodes.values()) {
            try {
                if (server.isActive()) {
                    server.stop();
                }
            } catch (IOException | RuntimeException e) {
                // best effort: the others are stopped still
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
