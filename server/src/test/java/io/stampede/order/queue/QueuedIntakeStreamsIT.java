package io.stampede.order.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.order.application.QueuedOrder;
import io.stampede.sale.domain.Sale;
import io.stampede.shared.StampedeProperties;
import io.stampede.testsupport.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.test.context.TestPropertySource;

/** Intake QUEUED on a Redis Stream (no RabbitMQ configured), including the takeover of a dead consumer's entries. */
@IntegrationTest
@TestPropertySource(properties = {"stampede.intake.reclaim-idle=1s"})
class QueuedIntakeStreamsIT extends QueuedIntakeContract {
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    StampedeProperties properties;

    String stream() {
        return properties.redis().keyPrefix() + "intake:orders";
    }

    @Override
    void publishRaw(String body) {
        redis.opsForStream().add(MapRecord.create(stream(), Map.of("order", body)));
    }

    @Override
    List<String> deadLetters() {
        return redis.opsForStream().range(stream() + ":dead", org.springframework.data.domain.Range.unbounded())
                .stream().map(r -> String.valueOf(r.getValue().get("order"))).toList();
    }

    @Test
    void anEntryLeftPendingByADeadConsumerIsTakenOverAndWritten() {
        assertThat(intake.describe()).startsWith("Redis Stream");
        Sale sale = openSale(5, 1);
        QueuedOrder order = accept(sale, "orphan");
        // a consumer that read the entry and died before acknowledging it: add and read in one atomic step, so the
        // live consumer cannot take it first
        List<?> read = redis.execute(RedisScript.of("""
                redis.call('XADD', KEYS[1], '*', 'order', ARGV[1])
                return redis.call('XREADGROUP', 'GROUP', 'stampede-intake', 'dead-consumer', 'COUNT', '100',
                  'STREAMS', KEYS[1], '>')""", List.class), List.of(stream()), codec.write(order));
        assertThat(read).isNotEmpty();
        assertThat(redis.opsForStream().pending(stream(), "stampede-intake").getTotalPendingMessages()).isPositive();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> orders.find(order.id()).isPresent());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                redis.opsForStream().pending(stream(), "stampede-intake").getTotalPendingMessages() == 0);
        assertThat(reconciliation.report(sale).consistent()).isTrue();
    }
}
