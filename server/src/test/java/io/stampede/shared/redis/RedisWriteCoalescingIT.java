package io.stampede.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.stampede.testsupport.RedisProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisWriteCoalescing} on a Redis of this test's own: commands queued on a connection's event loop together
 * reach the socket in one flush, with their replies in order, where Lettuce alone flushes each one. That the service's
 * client resources carry it is {@code ObservabilityIT}'s to check.
 */
class RedisWriteCoalescingIT {
    private static final int COMMANDS = 100;

    private static RedisProcess server;

    @BeforeAll
    static void start() {
        server = RedisProcess.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void commandsQueuedTogetherShareOneFlush() throws Exception {
        Burst burst = burst(RedisWriteCoalescing.COALESCING);

        assertThat(burst.replies()).containsExactlyElementsOf(oneToHundred());
        assertThat(burst.flushes())
                .as("flushes reaching the socket for %d commands queued at once", COMMANDS)
                .isBetween(1, 2);
    }

    @Test
    void withoutItEveryCommandIsFlushedOnItsOwn() throws Exception {
        Burst burst = burst(LETTUCE_ALONE);

        assertThat(burst.replies()).containsExactlyElementsOf(oneToHundred());
        assertThat(burst.flushes()).isGreaterThanOrEqualTo(COMMANDS);
    }

    @Test
    void aReconnectedChannelHasItToo() throws Exception {
        List<Boolean> handlerFirst = new CopyOnWriteArrayList<>();
        ClientResources resources = resources(
                RedisWriteCoalescing.COALESCING,
                ch -> handlerFirst.add(ch.pipeline().first() instanceof FlushConsolidationHandler
                        && ch.pipeline().get(RedisWriteCoalescing.HANDLER) != null));
        RedisClient client = RedisClient.create(resources, RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisConnection<String, String> connection = client.connect();
                RedisClient killer = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
                StatefulRedisConnection<String, String> other = killer.connect()) {
            assertThat(connection.sync().ping()).isEqualTo("PONG");
            assertThat(other.sync().clientKill(KillArgs.Builder.typeNormal().skipme(true)))
                    .isGreaterThanOrEqualTo(1L);
            // Lettuce reconnects on its own and sends the command once it has
            assertThat(connection.sync().ping()).isEqualTo("PONG");
        } finally {
            client.shutdown();
            resources.shutdown().get(10, TimeUnit.SECONDS);
        }
        assertThat(handlerFirst).hasSizeGreaterThanOrEqualTo(2).containsOnly(true);
    }

    private record Burst(List<Long> replies, int flushes) {}

    /**
     * Holds the connection's event loop, sends {@link #COMMANDS} INCRs (each queued on the loop as a task of its own),
     * lets the loop go, and counts the flushes that reach the head of the pipeline, that is, the socket.
     */
    private static Burst burst(NettyCustomizer underTest) throws Exception {
        AtomicInteger flushes = new AtomicInteger();
        AtomicReference<Channel> channel = new AtomicReference<>();
        ClientResources resources = resources(underTest, ch -> {
            ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                @Override
                public void flush(ChannelHandlerContext ctx) {
                    flushes.incrementAndGet();
                    ctx.flush();
                }
            });
            channel.set(ch);
        });
        RedisClient client = RedisClient.create(resources, RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            String key = "coalescing-" + System.nanoTime();
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            channel.get().eventLoop().execute(() -> {
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
            int before = flushes.get();
            List<RedisFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < COMMANDS; i++) {
                futures.add(connection.async().incr(key));
            }
            release.countDown();
            List<Long> replies = new ArrayList<>();
            for (RedisFuture<Long> f : futures) {
                replies.add(f.get(10, TimeUnit.SECONDS));
            }
            return new Burst(replies, flushes.get() - before);
        } finally {
            client.shutdown();
            resources.shutdown().get(10, TimeUnit.SECONDS);
        }
    }

    /** Lettuce's own channels, with nothing added. */
    private static final NettyCustomizer LETTUCE_ALONE = new NettyCustomizer() {};

    /** Client resources whose channels get {@code underTest}, then are shown to {@code observe}. */
    private static ClientResources resources(NettyCustomizer underTest, Consumer<Channel> observe) {
        return DefaultClientResources.builder()
                .nettyCustomizer(new NettyCustomizer() {
                    @Override
                    public void afterChannelInitialized(Channel ch) {
                        underTest.afterChannelInitialized(ch);
                        observe.accept(ch);
                    }
                })
                .build();
    }

    private static List<Long> oneToHundred() {
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= COMMANDS; i++) {
            expected.add(i);
        }
        return expected;
    }
}
