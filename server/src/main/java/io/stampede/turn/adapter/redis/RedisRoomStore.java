package io.stampede.turn.adapter.redis;

import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.Turns;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.redis.LuaScripts;
import io.stampede.turn.port.RoomStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The waiting room in Redis, one script call per request ({@code lua/room.lua}); its keys carry the sale's hash tag
 * so they share a Cluster slot, and expire a day after the sale ends.
 */
@Component
class RedisRoomStore implements RoomStore {
    private static final Duration KEEP_AFTER_END = Duration.ofDays(1);

    @SuppressWarnings("rawtypes")
    private final RedisScript<List> script = LuaScripts.load("room", List.class);

    private final StringRedisTemplate redis;
    private final String prefix;

    RedisRoomStore(StringRedisTemplate redis, SharedSettings settings) {
        this.redis = redis;
        this.prefix = settings.redis().keyPrefix();
    }

    @Override
    public Place join(Sale sale, String userId, Instant now, double randomScore) {
        return place(call(sale, "join", userId, now, randomScore, room(sale).admitPerSecond()))
                .orElseThrow(() -> new IllegalStateException("the room script refused a join"));
    }

    @Override
    public Optional<Place> status(Sale sale, String userId, Instant now) {
        return place(call(sale, "status", userId, now, 0, room(sale).admitPerSecond()));
    }

    @Override
    public Figures figures(Sale sale, Instant now) {
        return figures(call(sale, "figures", "", now, 0, room(sale).admitPerSecond()));
    }

    @Override
    public Figures setRate(Sale sale, int admitPerSecond, Instant now) {
        return figures(call(sale, "rate", "", now, 0, admitPerSecond));
    }

    private List<Long> call(Sale sale, String op, String userId, Instant now, double randomScore, int rate) {
        Turns.Room room = room(sale);
        String tag = prefix + "{sale:" + sale.id() + "}:room:";
        @SuppressWarnings("unchecked")
        List<Long> answer = redis.execute(
                script,
                List.of(tag + "queue", tag + "schedule", tag + "members", tag + "joined", tag + "admitted"),
                op,
                userId,
                Long.toString(now.toEpochMilli()),
                Double.toString(randomScore),
                Long.toString(sale.turns().admissionStartsAt(sale).toEpochMilli()),
                Integer.toString(rate),
                Long.toString(room.admissionTtl().toMillis()),
                Long.toString(sale.endsAt().plus(KEEP_AFTER_END).getEpochSecond()));
        return Objects.requireNonNull(answer, "the room script answered nothing");
    }

    private static Optional<Place> place(List<Long> a) {
        if (a.size() == 1) {
            return Optional.empty();
        }
        return Optional.of(new Place(
                a.get(0) == 1,
                a.get(1),
                a.get(2),
                a.get(3),
                Math.toIntExact(a.get(4)),
                a.get(5) < 0 ? null : Instant.ofEpochMilli(a.get(5)),
                Instant.ofEpochMilli(a.get(6)),
                a.get(7) == 1));
    }

    private static Figures figures(List<Long> a) {
        return new Figures(a.get(0), a.get(1), Math.toIntExact(a.get(2)));
    }

    private static Turns.Room room(Sale sale) {
        return Objects.requireNonNull(sale.turns().room(), "the sale has no waiting room");
    }
}
