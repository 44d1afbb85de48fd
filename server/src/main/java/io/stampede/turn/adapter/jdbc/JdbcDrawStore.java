package io.stampede.turn.adapter.jdbc;

import io.stampede.shared.jdbc.SqlDialect;
import io.stampede.turn.domain.DrawOrder;
import io.stampede.turn.port.DrawStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Draws and their entries in the relational database. The draw's row orders entries against the closing of the list:
 * an entry share-locks it and inserts only while no entry hash is published, and the closing locks it exclusively, so
 * it waits for the entries in flight and every later one sees the list closed. Whatever the instances' clocks say, the
 * published list is every accepted entry and nothing else.
 */
@Repository
class JdbcDrawStore implements DrawStore {
    private final JdbcClient jdbc;
    private final SqlDialect dialect;
    private final TransactionTemplate tx;

    JdbcDrawStore(JdbcClient jdbc, SqlDialect dialect, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.tx = tx;
    }

    @Override
    public void create(String saleId, String seed, String seedHash) {
        jdbc.sql("INSERT INTO draws (sale_id, seed, seed_hash) VALUES (?,?,?)")
                .params(saleId, seed, seedHash)
                .update();
    }

    @Override
    public Optional<Draw> find(String saleId) {
        return jdbc.sql("SELECT sale_id, seed, seed_hash, entries_hash, entries_count, drawn_at, offered FROM draws"
                        + " WHERE sale_id = ?")
                .param(saleId)
                .query((rs, n) -> new Draw(
                        rs.getString("sale_id"),
                        rs.getString("seed"),
                        rs.getString("seed_hash"),
                        rs.getString("entries_hash"),
                        rs.getObject("entries_count") == null ? null : rs.getLong("entries_count"),
                        instant(rs, "drawn_at"),
                        rs.getInt("offered")))
                .optional();
    }

    @Override
    public Optional<Entry> enter(String saleId, String userId, Instant at) {
        return Objects.requireNonNull(tx.execute(status -> {
            boolean open = jdbc.sql("SELECT entries_hash FROM draws WHERE sale_id = ? " + dialect.forShare())
                    .param(saleId)
                    .query((rs, n) -> rs.getString(1) == null)
                    .optional()
                    .orElse(false);
            if (!open) {
                return Optional.<Entry>empty();
            }
            int inserted = jdbc.sql(dialect.insertIfAbsent("draw_entries", "sale_id, user_id, entered_at", "?,?,?"))
                    .params(saleId, userId, Timestamp.from(at))
                    .update();
            Entry entry = entry(saleId, userId).orElseThrow(() -> new IllegalStateException("an entry vanished"));
            return Optional.of(
                    inserted == 1 ? new Entry(entry.userId(), entry.enteredAt(), entry.orderId(), true) : entry);
        }));
    }

    @Override
    public Optional<Entry> entry(String saleId, String userId) {
        return jdbc.sql("SELECT user_id, entered_at, order_id FROM draw_entries WHERE sale_id = ? AND user_id = ?")
                .params(saleId, userId)
                .query((rs, n) -> new Entry(
                        rs.getString("user_id"),
                        rs.getTimestamp("entered_at").toInstant(),
                        rs.getString("order_id"),
                        false))
                .optional();
    }

    @Override
    public long countEntries(String saleId) {
        return jdbc.sql("SELECT COUNT(*) FROM draw_entries WHERE sale_id = ?")
                .param(saleId)
                .query(Long.class)
                .single();
    }

    @Override
    public List<String> entrants(String saleId) {
        return jdbc.sql("SELECT user_id FROM draw_entries WHERE sale_id = ?")
                .param(saleId)
                .query((rs, n) -> rs.getString(1))
                .list();
    }

    @Override
    public List<String> due(Instant now) {
        return jdbc.sql("SELECT d.sale_id FROM draws d JOIN sales s ON s.id = d.sale_id"
                        + " WHERE s.starts_at <= ? AND s.ends_at > ?")
                .params(Timestamp.from(now), Timestamp.from(now))
                .query((rs, n) -> rs.getString(1))
                .list();
    }

    @Override
    public boolean lease(String saleId, Instant now, Instant until) {
        return jdbc.sql(
                                "UPDATE draws SET lease_until = ? WHERE sale_id = ? AND (lease_until IS NULL OR lease_until < ?)")
                        .params(Timestamp.from(until), saleId, Timestamp.from(now))
                        .update()
                == 1;
    }

    @Override
    public void release(String saleId, Instant until) {
        jdbc.sql("UPDATE draws SET lease_until = NULL WHERE sale_id = ? AND lease_until = ?")
                .params(saleId, Timestamp.from(until))
                .update();
    }

    @Override
    public Closed closeEntries(String saleId) {
        return Objects.requireNonNull(tx.execute(status -> {
            String published = jdbc.sql("SELECT entries_hash FROM draws WHERE sale_id = ? FOR UPDATE")
                    .param(saleId)
                    .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
                    .single()
                    .orElse(null);
            List<String> entrants = entrants(saleId);
            String hash = DrawOrder.sha256Hex(DrawOrder.entryList(entrants));
            if (published == null) {
                jdbc.sql("UPDATE draws SET entries_hash = ?, entries_count = ? WHERE sale_id = ?")
                        .params(hash, entrants.size(), saleId)
                        .update();
            } else if (!published.equals(hash)) {
                throw new IllegalStateException("the entries of draw " + saleId + " changed after they were closed");
            }
            return new Closed(hash, entrants);
        }));
    }

    @Override
    public void markDrawn(String saleId, Instant at) {
        jdbc.sql("UPDATE draws SET drawn_at = ? WHERE sale_id = ? AND drawn_at IS NULL AND entries_hash IS NOT NULL")
                .params(Timestamp.from(at), saleId)
                .update();
    }

    @Override
    public void setOffered(String saleId, int offered) {
        jdbc.sql("UPDATE draws SET offered = ? WHERE sale_id = ? AND offered < ?")
                .params(offered, saleId, offered)
                .update();
    }

    @Override
    public void setOrder(String saleId, String userId, String orderId) {
        jdbc.sql("UPDATE draw_entries SET order_id = ? WHERE sale_id = ? AND user_id = ?")
                .params(orderId, saleId, userId)
                .update();
    }

    private static @org.jspecify.annotations.Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
