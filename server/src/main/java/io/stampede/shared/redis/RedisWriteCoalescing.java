package io.stampede.shared.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One write to a Redis connection's socket for all the commands its event loop takes up at once, instead of one write
 * (a system call, and a read of its own on the Redis side) per command.
 *
 * <p>A purchase's command is handed to the connection's event loop from the shopper's thread, as a task that writes
 * and flushes it. Under load many such tasks wait in the loop's queue together; Netty's
 * {@link FlushConsolidationHandler}, first in the pipeline, turns their flushes into one, done once the loop has run
 * the tasks queued before it. The commands, their order and their replies are unchanged; only how many of them share
 * a write is. When the loop is idle a flush waits for nothing but the loop's next task.
 */
@Configuration(proxyBeanMethods = false)
public class RedisWriteCoalescing {
    /** The handler's name in every Redis connection's pipeline. */
    static final String HANDLER = "stampede-flush-consolidation";

    /** Adds the handler to every channel Lettuce initializes (first connection and every reconnect alike). */
    public static final NettyCustomizer COALESCING = new NettyCustomizer() {
        @Override
        public void afterChannelInitialized(Channel channel) {
            channel.pipeline()
                    .addFirst(
                            HANDLER,
                            new FlushConsolidationHandler(
                                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
    };

    @Bean
    ClientResourcesBuilderCustomizer coalescedRedisWrites() {
        return builder -> builder.nettyCustomizer(COALESCING);
    }
}
