package io.stampede.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.protocol.CommandType;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisCommandTimersTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RedisCommandTimers timers = new RedisCommandTimers(meters);
    private final InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    private final InetSocketAddress redis = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6379);

    @Test
    void eachCommandIsTimedFromSendingToItsReplyUnderTheObservationsNameAndTag() {
        timers.recordCommandLatency(local, redis, CommandType.EVALSHA, 1_000, 3_000_000);
        timers.recordCommandLatency(local, redis, CommandType.EVALSHA, 1_000, 5_000_000);
        timers.recordCommandLatency(local, redis, CommandType.HMGET, 1_000, 1_000_000);

        Timer evalsha = meters.get("lettuce").tag("db.operation", "EVALSHA").timer();
        assertThat(evalsha.count()).isEqualTo(2);
        assertThat(evalsha.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8.0);
        assertThat(evalsha.max(TimeUnit.MILLISECONDS)).isEqualTo(5.0);
        assertThat(meters.get("lettuce").tag("db.operation", "HMGET").timer().count())
                .isEqualTo(1);
        assertThat(meters.get("lettuce").timers()).hasSize(2);
        assertThat(timers.isEnabled()).isTrue();
    }
}
