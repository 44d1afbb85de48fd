package io.stampede.inventory.adapter.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.QueuedReservations;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.redis.LuaScripts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records of accepted QUEUED orders in the sale's slot: {@code {sale:<id>}:queued} (order id -> record) and
 * {@code {sale:<id>}:queued-ok} (confirmed ones), written by the same scripts as the gate; plus one index hash
 * order id -> sale id so that a shopper's poll finds an unwritten order by its id alone.
 */
@Component
class RedisQueuedReservations implements QueuedReservations {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StringRedisTemplate redis;
    private final RedisPurchaseGate gate;
    private final String index;
    private final RedisScript<List> purchase = LuaScripts.load("purchase_gate", List.class);
    private final RedisScript<Long> compensate = LuaScripts.load("compensate", Long.class);
    private final RedisScript<Long> confirm = LuaScripts.load("confirm_queued", Long.class);

    RedisQueuedReservations(StringRedisTemplate redis, SharedSettings properties, MeterRegistry meters) {
        this.redis = redis;
        this.gate = new RedisPurchaseGate(redis, properties, "sale", meters);
        this.index = properties.redis().keyPrefix() + "queued-index";
    }

    private String queued(String saleId) {
        return gate.keys(saleId).get(0).replaceFirst("gate$", "queued");
    }

    private String confirmed(String saleId) {
        return gate.keys(saleId).get(0).replaceFirst("gate$", "queued-ok");
    }

    @Override
    public Reservation reserve(
            String saleId,
            String userId,
            String idempotencyKey,
            int quantity,
            String orderId,
            Instant now,
            String record,
            boolean restore) {
        List<String> keys = new ArrayList<>(gate.keys(saleId).subList(0, 3));
        keys.add(queued(saleId));
        List<?> answer = redis.execute(
                purchase,
                keys,
                userId,
                idempotencyKey,
                Integer.toString(quantity),
                orderId,
                Long.toString(now.toEpochMilli()),
                record,
                restore ? "1" : "0");
        return RedisPurchaseGate.reservation(answer);
    }

    @Override
    public boolean compensate(
            String saleId, String userId, String idempotencyKey, String orderId, int quantity, boolean force) {
        List<String> keys = new ArrayList<>(gate.keys(saleId).subList(0, 4));
        keys.add(queued(saleId));
        keys.add(confirmed(saleId));
        Long done = redis.execute(
                compensate, keys, userId, idempotencyKey, orderId, Integer.toString(quantity), force ? "1" : "0");
        if (done != null && done != 0) {
            redis.opsForHash().delete(index, orderId);
        }
        return done != null && done == 1;
    }

    @Override
    public boolean confirm(String saleId, String orderId) {
        Long done = redis.execute(confirm, List.of(queued(saleId), confirmed(saleId)), orderId);
        return done != null && done == 1;
    }

    @Override
    public boolean isConfirmed(String saleId, String orderId) {
        return redis.opsForHash().hasKey(confirmed(saleId), orderId);
    }

    @Override
    public Optional<String> record(String saleId, String orderId) {
        return Optional.ofNullable((String) redis.opsForHash().get(queued(saleId), orderId));
    }

    @Override
    public Map<String, String> records(String saleId) {
        Map<String, String> out = new HashMap<>();
        redis.opsForHash().entries(queued(saleId)).forEach((k, v) -> out.put((String) k, (String) v));
        return out;
    }

    @Override
    public List<QueuedUnits> units(String saleId) {
        List<QueuedUnits> out = new ArrayList<>();
        records(saleId).forEach((id, record) -> {
            JsonNode n = JSON.readTree(record);
            out.add(new QueuedUnits(
                    id,
                    n.path("userId").asString(),
                    n.path("idempotencyKey").asString(),
                    n.path("quantity").asInt()));
        });
        return out;
    }

    @Override
    public Set<String> present(String saleId, Collection<String> orderIds) {
        if (orderIds.isEmpty()) {
            return Set.of();
        }
        List<Object> ids = new ArrayList<>(orderIds);
        List<Object> values = redis.opsForHash().multiGet(queued(saleId), ids);
        Set<String> out = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (values.get(i) != null) {
                out.add((String) ids.get(i));
            }
        }
        return out;
    }

    @Override
    public void forget(String saleId, Collection<String> orderIds) {
        if (orderIds.isEmpty()) {
            return;
        }
        Object[] ids = orderIds.toArray();
        redis.opsForHash().delete(queued(saleId), ids);
        redis.opsForHash().delete(confirmed(saleId), ids);
        redis.opsForHash().delete(index, ids);
    }

    @Override
    public void index(String orderId, String saleId) {
        redis.opsForHash().put(index, orderId, saleId);
    }

    @Override
    public Optional<String> saleOf(String orderId) {
        return Optional.ofNullable((String) redis.opsForHash().get(index, orderId));
    }
}
