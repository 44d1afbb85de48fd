package io.stampede.event.adapter.jdbc;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.event.domain.DomainEvent;
import io.stampede.event.port.EventFeed;
import io.stampede.event.port.Outbox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox and its feed in the relational database. Each positioning pass records how far the feed lags behind the
 * commits: {@code stampede.outbox.pending{stage="position"}}, the committed events it found without a position (at
 * most one pass's {@value #POSITION_BATCH}), and {@code stampede.outbox.lag.seconds{stage="position"}}, the age of the
 * oldest of them (0 when there were none). No query runs for a scrape.
 */
@Repository
class JdbcOutbox implements Outbox, EventFeed {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final int POSITION_BATCH = 1_000;

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final AtomicLong unpositioned = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();

    JdbcOutbox(
            JdbcClient jdbc,
            JdbcTemplate template,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.template = template;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        Gauge.builder("stampede.outbox.pending", unpositioned, AtomicLong::get)
                .description("events not yet done with by a stage of the outbox (position: committed and not yet "
                        + "positioned, as the last pass found them, at most one pass's batch)")
                .tag("stage", "position")
                .register(meters);
        Gauge.builder("stampede.outbox.lag", lagMillis, m -> m.get() / 1000.0)
                .description("age of the oldest event a stage of the outbox had not yet done with, at its last pass")
                .baseUnit("seconds")
                .tag("stage", "position")
                .register(meters);
    }

    @Override
    public void append(List<DomainEvent> events) {
        template.batchUpdate(
                "INSERT INTO events (id, type, version, occurred_at, data) VALUES (?,?,?,?,?)",
                events,
                events.size(),
                (ps, e) -> {
                    ps.setString(1, e.id());
                    ps.setString(2, e.type());
                    ps.setInt(3, e.version());
                    ps.setTimestamp(4, Timestamp.from(e.occurredAt()));
                    ps.setString(5, json.writeValueAsString(e.data()));
                });
    }

    /**
     * Under the lock of the single positions row, numbers the committed events that have no position yet, in the
     * order of their insert sequence. An event whose transaction is still open is invisible here and gets a later
     * position when it commits, so readers that follow positions miss nothing.
     */
    @Override
    public int assignPositions() {
        Integer done = tx.execute(status -> {
            long last = jdbc.sql("SELECT last FROM event_positions WHERE id = 1 FOR UPDATE")
                    .query(Long.class)
                    .single();
            List<Unpositioned> found = jdbc.sql(
                            "SELECT seq, occurred_at FROM events WHERE position IS NULL ORDER BY seq LIMIT ?")
                    .param(POSITION_BATCH)
                    .query((rs, n) ->
                            new Unpositioned(rs.getLong(1), rs.getTimestamp(2).toInstant()))
                    .list();
            recordLag(found);
            if (found.isEmpty()) {
                return 0;
            }
            List<Long> seqs = found.stream().map(Unpositioned::seq).toList();
            long next = last;
            List<Object[]> updates = new ArrayList<>(seqs.size());
            for (Long seq : seqs) {
                updates.add(new Object[] {++next, seq});
            }
            template.batchUpdate("UPDATE events SET position = ? WHERE seq = ?", updates);
            jdbc.sql("UPDATE event_positions SET last = ? WHERE id = 1")
                    .param(next)
                    .update();
            return seqs.size();
        });
        return done == null ? 0 : done;
    }

    private record Unpositioned(long seq, Instant occurredAt) {}

    private void recordLag(List<Unpositioned> found) {
        unpositioned.set(found.size());
        long now = clock.millis();
        lagMillis.set(found.stream()
                .mapToLong(u -> Math.max(0, now - u.occurredAt().toEpochMilli()))
                .max()
                .orElse(0));
    }

    @Override
    public Page after(long position, int limit) {
        List<Row> rows = jdbc.sql("SELECT position, id, type, version, occurred_at, data FROM events "
                        + "WHERE position > ? ORDER BY position LIMIT ?")
                .params(position, limit)
                .query(this::row)
                .list();
        long next = rows.isEmpty() ? position : rows.getLast().position();
        return new Page(rows.stream().map(Row::event).toList(), next);
    }

    private record Row(long position, DomainEvent event) {}

    private Row row(ResultSet rs, int n) throws SQLException {
        return new Row(
                rs.getLong("position"),
                new DomainEvent(
                        rs.getString("id"),
                        rs.getString("type"),
                        rs.getInt("version"),
                        rs.getTimestamp("occurred_at").toInstant(),
                        json.readValue(rs.getString("data"), MAP)));
    }
}
