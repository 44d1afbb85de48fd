package io.stampede.event.adapter.jdbc;

import io.stampede.event.domain.DomainEvent;
import io.stampede.event.port.EventFeed;
import io.stampede.event.port.Outbox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The outbox and its feed in the relational database. */
@Repository
class JdbcOutbox implements Outbox, EventFeed {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final int POSITION_BATCH = 1_000;

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    JdbcOutbox(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate tx, JsonMapper json) {
        this.jdbc = jdbc;
        this.template = template;
        this.tx = tx;
        this.json = json;
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
            List<Long> seqs = jdbc.sql("SELECT seq FROM events WHERE position IS NULL ORDER BY seq LIMIT ?")
                    .param(POSITION_BATCH)
                    .query((rs, n) -> rs.getLong(1))
                    .list();
            if (seqs.isEmpty()) {
                return 0;
            }
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
