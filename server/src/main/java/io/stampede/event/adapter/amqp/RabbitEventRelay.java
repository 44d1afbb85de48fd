package io.stampede.event.adapter.amqp;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.event.domain.DomainEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Relays the outbox to RabbitMQ when one is configured: each committed event, in feed order, to the durable topic
 * exchange {@code stampede.events} with the event type as routing key and its id as message id, persistent. An event
 * is marked relayed only after the broker confirmed it, so delivery is at least once; consumers de-duplicate by id.
 * Batches are claimed with {@code FOR UPDATE SKIP LOCKED}, so several instances relay without sending twice in the
 * normal case.
 *
 * <p>At most once a second a run first measures the backlog: {@code stampede.outbox.pending{stage="relay"}}, the
 * events not yet relayed (counted up to {@value #COUNT_CAP}, on the index of unrelayed events), and
 * {@code stampede.outbox.lag.seconds{stage="relay"}}, the age of the oldest positioned one. It measures while
 * RabbitMQ is down too, which is when the backlog grows.
 */
@Component
@ConditionalOnProperty(name = "spring.rabbitmq.host")
class RabbitEventRelay {
    static final String EXCHANGE = "stampede.events";
    private static final Logger log = LoggerFactory.getLogger(RabbitEventRelay.class);
    private static final int BATCH = 200;
    private static final int COUNT_CAP = 100_000;
    private static final Duration MEASURE_EVERY = Duration.ofSeconds(1);

    private final RabbitTemplate rabbit;
    private final RabbitAdmin admin;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private volatile boolean declared;
    private volatile boolean failing;
    private final Clock clock;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();
    private long lastMeasured = System.nanoTime() - MEASURE_EVERY.toNanos();

    RabbitEventRelay(
            RabbitTemplate rabbit,
            JdbcClient jdbc,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock,
            MeterRegistry meters) {
        this.rabbit = rabbit;
        this.admin = new RabbitAdmin(rabbit);
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        Gauge.builder("stampede.outbox.pending", pending, AtomicLong::get)
                .description("events not yet done with by a stage of the outbox (relay: not yet published to "
                        + "RabbitMQ, counted up to " + COUNT_CAP + ")")
                .tag("stage", "relay")
                .register(meters);
        Gauge.builder("stampede.outbox.lag", lagMillis, m -> m.get() / 1000.0)
                .description("age of the oldest event a stage of the outbox had not yet done with, at its last pass")
                .baseUnit("seconds")
                .tag("stage", "relay")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${stampede.events.relay-interval:250ms}")
    public void relay() {
        if (System.nanoTime() - lastMeasured >= MEASURE_EVERY.toNanos()) {
            lastMeasured = System.nanoTime();
            measure();
        }
        try {
            if (!declared) {
                admin.declareExchange(new TopicExchange(EXCHANGE, true, false));
                declared = true;
            }
            int sent;
            do {
                sent = relayBatch();
            } while (sent == BATCH);
            if (failing) {
                failing = false;
                log.info("Event relay to RabbitMQ is working again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("Event relay to RabbitMQ failed (retrying; events wait in the outbox): {}", e.getMessage());
            }
        }
    }

    /** The backlog of the relay: two reads on the index of unrelayed events; a failure keeps the last figures. */
    private void measure() {
        try {
            long count = jdbc.sql("SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE NOT relayed LIMIT ?) backlog")
                    .param(COUNT_CAP)
                    .query(Long.class)
                    .single();
            List<Timestamp> oldest = jdbc.sql(
                            "SELECT occurred_at FROM events WHERE NOT relayed AND position IS NOT NULL "
                                    + "ORDER BY position LIMIT 1")
                    .query((rs, n) -> rs.getTimestamp(1))
                    .list();
            pending.set(count);
            lagMillis.set(
                    oldest.isEmpty()
                            ? 0
                            : Math.max(0, clock.millis() - oldest.getFirst().getTime()));
        } catch (RuntimeException e) {
            log.debug("Could not measure the event relay's backlog: {}", e.getMessage());
        }
    }

    private int relayBatch() {
        Integer count = tx.execute(status -> {
            List<DomainEvent> events = jdbc.sql(
                            "SELECT id, type, version, occurred_at, data FROM events "
                                    + "WHERE NOT relayed AND position IS NOT NULL ORDER BY position LIMIT ? FOR UPDATE SKIP LOCKED")
                    .param(BATCH)
                    .query((rs, n) -> new DomainEvent(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getInt(3),
                            rs.getTimestamp(4).toInstant(),
                            json.readValue(rs.getString(5), Map.class)))
                    .list();
            List<CorrelationData> confirms = new ArrayList<>(events.size());
            for (DomainEvent e : events) {
                CorrelationData correlation = new CorrelationData(e.id());
                rabbit.send(EXCHANGE, e.type(), message(e), correlation);
                confirms.add(correlation);
            }
            List<String> relayed = new ArrayList<>(events.size());
            for (CorrelationData c : confirms) {
                try {
                    CorrelationData.Confirm confirm = c.getFuture().get(5, TimeUnit.SECONDS);
                    if (!confirm.ack()) {
                        break; // keep feed order: this one and the rest are sent again next time
                    }
                    relayed.add(c.getId());
                } catch (Exception notConfirmed) {
                    break;
                }
            }
            for (String id : relayed) {
                jdbc.sql("UPDATE events SET relayed = TRUE WHERE id = ?")
                        .param(id)
                        .update();
            }
            return relayed.size();
        });
        return count == null ? 0 : count;
    }

    private Message message(DomainEvent e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", e.id());
        body.put("type", e.type());
        body.put("version", e.version());
        body.put("occurredAt", e.occurredAt().toString());
        body.put("data", e.data());
        MessageProperties props = new MessageProperties();
        props.setMessageId(e.id());
        props.setType(e.type());
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        props.setContentEncoding("UTF-8");
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        props.setTimestamp(Date.from(e.occurredAt()));
        return new Message(json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8), props);
    }
}
