package io.stampede.shared.redis;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.tracing.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Redis command latency for the dashboard ({@code lettuce_seconds{db_operation}}): one timer per command, recorded by
 * Lettuce's own latency hook when the command completes.
 *
 * <p>It replaces two things Lettuce and Spring Boot turn on by default, both paid on every Redis command of every
 * purchase: Boot's Micrometer observation of each command (a context with two maps, its tags built anew and its timer
 * looked up again at every stop; about 4% of the server's samples in a profile of winners and sold-out answers) and
 * Lettuce's built-in latency collector (HdrHistogram with pause detection, whose figures only go to an event bus
 * nothing listens to). The timer keeps the observation's name and its {@code db.operation} tag, so the dashboard's
 * queries are unchanged. Boot's observation auto-configuration is excluded in {@code application.yml}; without a
 * tracing bridge it produced no spans anyway.
 */
@Configuration(proxyBeanMethods = false)
public class RedisCommandTimers implements CommandLatencyRecorder {
    /** The observation's name, so the series stay {@code lettuce_seconds_*}. */
    static final String NAME = "lettuce";

    private final MeterRegistry meters;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    public RedisCommandTimers(MeterRegistry meters) {
        this.meters = meters;
    }

    @Bean
    ClientResourcesBuilderCustomizer redisCommandLatency() {
        return builder -> builder.commandLatencyRecorder(this).tracing(Tracing.disabled());
    }

    /** Called by the connection's event loop when a command completes; latencies in nanoseconds since it was sent. */
    @Override
    public void recordCommandLatency(
            SocketAddress local,
            SocketAddress remote,
            ProtocolKeyword commandType,
            long firstResponseLatency,
            long completionLatency) {
        String operation = commandType.toString();
        Timer timer = timers.get(operation);
        if (timer == null) {
            timer = timers.computeIfAbsent(operation, this::timer);
        }
        timer.record(completionLatency, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String operation) {
        return Timer.builder(NAME)
                .description("Redis commands from sending to their reply, as Lettuce times them")
                .tag("db.system", "redis")
                .tag("db.operation", operation)
                .register(meters);
    }
}
