package io.stampede.live.adapter.redis;

import io.stampede.live.port.AttemptTotals;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.live.AttemptCounts;
import io.stampede.shared.live.LatencyBuckets;
import io.stampede.shared.redis.LuaScripts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * One hash per sale and second, {@code <prefix>{sale:<id>}:attempts:<epoch second>}, in the sale's slot: every
 * instance adds its counts with one script call, and the sums expire after two minutes.
 */
@Component
class RedisAttemptTotals implements AttemptTotals {
    private static final String KEEP_SECONDS = "120";
    private static final String LATENCY = "lat:"; // field of a latency bucket; the others are outcome keys
    private static final AttemptCounts.Outcome[] OUTCOMES = AttemptCounts.Outcome.values();

    private final StringRedisTemplate redis;
    private final String prefix;
    private final RedisScript<Long> add = LuaScripts.load("live_add", Long.class);

    RedisAttemptTotals(StringRedisTemplate redis, SharedSettings settings) {
        this.redis = redis;
        this.prefix = settings.redis().keyPrefix();
    }

    private String key(String saleId, long epochSecond) {
        return prefix + "{sale:" + saleId + "}:attempts:" + epochSecond;
    }

    @Override
    public void add(Collection<AttemptCounts.Second> seconds) {
        for (AttemptCounts.Second s : seconds) {
            List<String> args = new ArrayList<>();
            args.add(KEEP_SECONDS);
            for (AttemptCounts.Outcome o : OUTCOMES) {
                long n = s.count(o);
                if (n > 0) {
                    args.add(o.key());
                    args.add(Long.toString(n));
                }
            }
            for (int b = 0; b < s.latencyBuckets().size(); b++) {
                long n = s.latencyBuckets().get(b);
                if (n > 0) {
                    args.add(LATENCY + b);
                    args.add(Long.toString(n));
                }
            }
            redis.execute(add, List.of(key(s.saleId(), s.epochSecond())), args.toArray());
        }
    }

    @Override
    public Map<String, AttemptCounts.Second> read(Collection<String> saleIds, long epochSecond) {
        Map<String, AttemptCounts.Second> sums = new HashMap<>();
        for (String saleId : saleIds) {
            Map<Object, Object> fields = redis.opsForHash().entries(key(saleId, epochSecond));
            if (fields.isEmpty()) {
                continue;
            }
            Map<AttemptCounts.Outcome, Long> outcomes = new EnumMap<>(AttemptCounts.Outcome.class);
            long[] buckets = new long[LatencyBuckets.COUNT];
            fields.forEach((k, v) -> {
                String field = Objects.toString(k);
                long n = Long.parseLong(Objects.toString(v));
                if (field.startsWith(LATENCY)) {
                    int b = Integer.parseInt(field.substring(LATENCY.length()));
                    if (b >= 0 && b < buckets.length) {
                        buckets[b] += n;
                    }
                } else {
                    for (AttemptCounts.Outcome o : OUTCOMES) {
                        if (o.key().equals(field)) {
                            outcomes.merge(o, n, Long::sum);
                        }
                    }
                }
            });
            sums.put(
                    saleId,
                    new AttemptCounts.Second(
                            saleId,
                            epochSecond,
                            outcomes,
                            Arrays.stream(buckets).boxed().toList()));
        }
        return sums;
    }
}
