package io.stampede.order.adapter.queue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.order.application.OrderSettings;
import io.stampede.order.application.QueuedOrder;
import io.stampede.order.application.QueuedOrderCodec;
import io.stampede.order.application.QueuedOrderWriter;
import io.stampede.order.port.IntakeQueue;
import io.stampede.shared.Failures;
import io.stampede.shared.Ids;
import io.stampede.shared.SharedSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisStreamCommands;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.PendingMessage;
import org.springframework.data.redis.connection.stream.PendingMessages;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The intake queue on a Redis Stream, used when no RabbitMQ is configured: XADD publishes (the answer is the
 * confirmation), one consumer group reads batches with XREADGROUP, an entry is XACKed (and XDELed) only after its
 * order committed, entries another consumer left pending longer than {@code reclaimIdle} are taken over with
 * XCLAIM, and an entry delivered {@code maxDeliveries} times, or unreadable, moves to the dead-letter stream.
 * As durable as the Redis behind it: without AOF (or with a failover to a lagging replica) an acknowledged entry
 * can be lost.
 *
 * <p>An entry leaves the stream (XACK and XDEL) once its order is written or dead-lettered, so the stream's length is
 * the number of order requests accepted and not yet written, delivered to a consumer or not: {@link #depth()} is one
 * XLEN, published as {@code stampede.intake.queue.depth}.
 */
@Component
@ConditionalOnProperty(name = "spring.rabbitmq.host", havingValue = "false", matchIfMissing = true)
class RedisStreamIntakeQueue implements IntakeQueue, SmartLifecycle {
    static final String GROUP = "stampede-intake";
    static final String FIELD = "order";
    private static final Logger log = LoggerFactory.getLogger(RedisStreamIntakeQueue.class);
    private static final Duration RECLAIM_EVERY = Duration.ofSeconds(1);

    private final StringRedisTemplate redis;
    private final QueuedOrderCodec codec;
    private final QueuedOrderWriter writer;
    private final OrderSettings.Intake settings;
    private final String stream;
    private final String dead;
    private final String me = "consumer-" + Ids.newId();
    private final Backoff backoff = new Backoff();
    private volatile boolean running;
    private volatile boolean groupReady;
    private @Nullable Thread thread;
    private long lastReclaim;

    RedisStreamIntakeQueue(
            StringRedisTemplate redis,
            QueuedOrderCodec codec,
            QueuedOrderWriter writer,
            OrderSettings orderSettings,
            SharedSettings properties,
            MeterRegistry meters) {
        this.redis = redis;
        this.codec = codec;
        this.writer = writer;
        this.settings = orderSettings.intake();
        this.stream = properties.redis().keyPrefix() + settings.stream();
        this.dead = stream + ":dead";
        Gauge.builder("stampede.intake.queue.depth", this, q -> {
                    OptionalLong depth = q.depth();
                    return depth.isPresent() ? depth.getAsLong() : Double.NaN;
                })
                .description("QUEUED order requests accepted and not yet written")
                .tag("backend", "redis-stream")
                .strongReference(true)
                .register(meters);
    }

    @Override
    public Publication publish(QueuedOrder order, Duration timeout) {
        try {
            RecordId id = redis.opsForStream().add(MapRecord.create(stream, Map.of(FIELD, codec.write(order))));
            return id != null ? Publication.CONFIRMED : Publication.UNKNOWN;
        } catch (RedisConnectionFailureException e) {
            return Publication.REJECTED; // no connection: the command was never sent
        } catch (RuntimeException e) {
            return Publication.UNKNOWN; // a timeout: the entry may be there
        }
    }

    @Override
    public String describe() {
        return "Redis Stream " + stream;
    }

    /** XLEN: entries leave the stream when their order is written (or dead-lettered); 0 before the first one. */
    @Override
    public OptionalLong depth() {
        try {
            Long length = redis.opsForStream().size(stream);
            return length == null ? OptionalLong.empty() : OptionalLong.of(length);
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private void loop() {
        while (running) {
            try {
                ensureGroup();
                if (System.nanoTime() - lastReclaim > RECLAIM_EVERY.toNanos()) {
                    lastReclaim = System.nanoTime();
                    reclaim();
                }
                List<MapRecord<String, Object, Object>> batch = redis.opsForStream()
                        .read(
                                Consumer.from(GROUP, me),
                                StreamReadOptions.empty().count(settings.batchSize()),
                                StreamOffset.create(stream, ReadOffset.lastConsumed()));
                if (batch == null || batch.isEmpty()) {
                    sleep(50);
                    continue;
                }
                process(batch);
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("Intake stream consumer failed (retrying): {}", e.getMessage());
                    groupReady = false;
                    sleep(1000);
                }
            }
        }
    }

    private void ensureGroup() {
        if (groupReady) {
            return;
        }
        try {
            redis.execute((RedisCallback<String>) c -> c.streamCommands()
                    .xGroupCreate(stream.getBytes(StandardCharsets.UTF_8), GROUP, ReadOffset.from("0"), true));
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")
                    && !(e.getCause() != null
                            && String.valueOf(e.getCause().getMessage()).contains("BUSYGROUP"))) {
                throw e;
            }
        }
        groupReady = true;
    }

    /** Writes the batch, holding it (and keeping it ours) while the database cannot take it. */
    private void process(List<MapRecord<String, Object, Object>> batch) {
        Map<RecordId, QueuedOrder> orders = new LinkedHashMap<>();
        for (MapRecord<String, Object, Object> r : batch) {
            try {
                orders.put(r.getId(), codec.read(String.valueOf(r.getValue().get(FIELD))));
            } catch (QueuedOrderCodec.Unreadable e) {
                deadLetter(r.getId(), String.valueOf(r.getValue().get(FIELD)), Failures.describe(e));
            }
        }
        while (!orders.isEmpty() && running) {
            Map<String, QueuedOrderWriter.Verdict> verdicts;
            verdicts = writer.write(List.copyOf(orders.values()));
            List<RecordId> done = new ArrayList<>();
            for (var it = orders.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                switch (verdicts.getOrDefault(e.getValue().id(), QueuedOrderWriter.Verdict.RETRY)) {
                    case DONE -> {
                        done.add(e.getKey());
                        it.remove();
                    }
                    case DEAD -> {
                        deadLetter(e.getKey(), codec.write(e.getValue()), "cannot be written");
                        it.remove();
                    }
                    case RETRY -> {}
                }
            }
            acknowledge(done);
            if (!orders.isEmpty()) {
                backoff.pause(orders.size());
                keepOurs(List.copyOf(orders.keySet()));
            }
        }
        if (orders.isEmpty()) {
            backoff.recovered();
        }
    }

    private void acknowledge(List<RecordId> ids) {
        if (ids.isEmpty()) {
            return;
        }
        RecordId[] all = ids.toArray(RecordId[]::new);
        redis.opsForStream().acknowledge(stream, GROUP, all);
        redis.opsForStream().delete(stream, all);
    }

    /** Re-claims held entries to this consumer (JUSTID: no delivery counted), so nobody takes them over as idle. */
    private void keepOurs(List<RecordId> ids) {
        try {
            redis.execute((RedisCallback<Object>) c -> c.streamCommands()
                    .xClaimJustId(
                            stream.getBytes(StandardCharsets.UTF_8),
                            GROUP,
                            me,
                            RedisStreamCommands.XClaimOptions.minIdle(Duration.ZERO)
                                    .ids(ids.toArray(RecordId[]::new))));
        } catch (RuntimeException e) {
            log.debug("Could not refresh held intake entries: {}", e.getMessage());
        }
    }

    /**
     * Takes over entries another consumer (a crashed instance) left pending longer than the idle threshold; an entry
     * delivered too often goes to the dead letters instead of crashing yet another consumer.
     */
    private void reclaim() {
        PendingMessages pending = redis.opsForStream()
                .pending(stream, GROUP, Range.unbounded(), settings.batchSize(), settings.reclaimIdle());
        List<RecordId> take = new ArrayList<>();
        for (PendingMessage p : pending) {
            if (p.getConsumerName().equals(me)) {
                continue;
            }
            take.add(p.getId());
        }
        if (take.isEmpty()) {
            return;
        }
        // XCLAIM with the idle threshold: if another instance claimed one first, it is not idle any more and skipped
        List<MapRecord<String, Object, Object>> claimed = redis.opsForStream()
                .claim(
                        stream,
                        GROUP,
                        me,
                        RedisStreamCommands.XClaimOptions.minIdle(settings.reclaimIdle())
                                .ids(take.toArray(RecordId[]::new)));
        if (claimed.isEmpty()) {
            return;
        }
        Map<RecordId, Long> deliveries = new LinkedHashMap<>();
        for (PendingMessage p : pending) {
            deliveries.put(p.getId(), p.getTotalDeliveryCount());
        }
        List<MapRecord<String, Object, Object>> retry = new ArrayList<>();
        for (MapRecord<String, Object, Object> r : claimed) {
            long delivered = deliveries.getOrDefault(r.getId(), 0L) + 1;
            if (delivered > settings.maxDeliveries()) {
                deadLetter(r.getId(), String.valueOf(r.getValue().get(FIELD)), "delivered " + delivered + " times");
            } else {
                retry.add(r);
            }
        }
        log.info("Took over {} intake entr(ies) left pending by another consumer", claimed.size());
        if (!retry.isEmpty()) {
            process(retry);
        }
    }

    private void deadLetter(RecordId id, String body, String reason) {
        redis.opsForStream()
                .add(MapRecord.create(
                        dead, Map.of(FIELD, body == null ? "" : body, "reason", reason, "source", id.getValue())));
        redis.opsForStream().acknowledge(stream, GROUP, id);
        redis.opsForStream().delete(stream, id);
        log.error("Intake entry {} moved to dead-letter stream {}: {}", id.getValue(), dead, reason);
    }

    @Override
    public void start() {
        running = true;
        // a platform thread: long-lived, and it blocks in JDBC
        thread = Thread.ofPlatform().name("intake-stream-consumer").daemon().start(this::loop);
        log.info("Intake QUEUED uses {} (consumer group {}, consumer {})", describe(), GROUP, me);
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
