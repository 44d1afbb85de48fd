package io.stampede.order.adapter.jdbc;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.order.domain.Order;
import io.stampede.order.domain.OrderStatus;
import io.stampede.order.port.OrderRepository;
import io.stampede.shared.jdbc.SqlDialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Orders and their history in the relational database, in plain SQL. */
@Repository
class JdbcOrderRepository implements OrderRepository, UnitHolders {
    private static final String COLUMNS =
            "o.id, o.sale_id, o.user_id, o.idempotency_key, o.quantity, o.amount_cents, o.status, o.created_at, o.expires_at, "
                    + "o.coupon_id, o.refusal";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final SqlDialect dialect;

    JdbcOrderRepository(JdbcClient jdbc, JdbcTemplate template, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.template = template;
        this.dialect = dialect;
    }

    @Override
    public void insertAll(List<Order> orders) {
        template.batchUpdate(
                "INSERT INTO orders (id, sale_id, user_id, idempotency_key, quantity, amount_cents, status, "
                        + "created_at, expires_at, updated_at, coupon_id, refusal) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                orders,
                orders.size(),
                (ps, o) -> {
                    ps.setString(1, o.id());
                    ps.setString(2, o.saleId());
                    ps.setString(3, o.userId());
                    ps.setString(4, o.idempotencyKey());
                    ps.setInt(5, o.quantity());
                    ps.setLong(6, o.amountCents());
                    ps.setString(7, o.status().name());
                    ps.setTimestamp(8, Timestamp.from(o.createdAt()));
                    ps.setTimestamp(9, Timestamp.from(o.expiresAt()));
                    ps.setTimestamp(10, Timestamp.from(o.createdAt()));
                    ps.setString(11, o.couponId());
                    ps.setString(12, o.refusal());
                });
        List<Object[]> history = new ArrayList<>();
        for (Order o : orders) {
            for (Order.StatusChange c : o.history()) {
                history.add(new Object[] {o.id(), c.status().name(), Timestamp.from(c.at())});
            }
        }
        template.batchUpdate("INSERT INTO order_history (order_id, status, at) VALUES (?,?,?)", history);
    }

    @Override
    public Optional<Order> find(String id) {
        Optional<Order> order = findExactly(id);
        if (order.isPresent()) {
            return order;
        }
        return jdbc.sql("SELECT order_id FROM order_aliases WHERE id = ?")
                .param(id)
                .query(String.class)
                .optional()
                .flatMap(this::findExactly);
    }

    private Optional<Order> findExactly(String id) {
        return withHistory(jdbc.sql("SELECT " + COLUMNS + " FROM orders o WHERE o.id = ?")
                        .param(id)
                        .query(JdbcOrderRepository::map)
                        .list())
                .stream()
                .findFirst();
    }

    @Override
    public void alias(String id, String orderId) {
        jdbc.sql(dialect.insertIfAbsent("order_aliases", "id, order_id", "?,?"))
                .params(id, orderId)
                .update();
    }

    @Override
    public Optional<Order> findByKey(String saleId, String userId, String idempotencyKey) {
        return withHistory(jdbc.sql("SELECT " + COLUMNS + " FROM orders o "
                                + "WHERE o.sale_id = ? AND o.user_id = ? AND o.idempotency_key = ?")
                        .params(saleId, userId, idempotencyKey)
                        .query(JdbcOrderRepository::map)
                        .list())
                .stream()
                .findFirst();
    }

    @Override
    public List<Order> findByUser(String userId, int limit) {
        return withHistory(jdbc.sql("SELECT " + COLUMNS + " FROM orders o WHERE o.user_id = ? "
                        + "ORDER BY o.created_at DESC, o.id DESC LIMIT ?")
                .params(userId, limit)
                .query(JdbcOrderRepository::map)
                .list());
    }

    @Override
    public Map<String, Long> liveUnitsByUser(String saleId) {
        Map<String, Long> units = new HashMap<>();
        jdbc.sql("SELECT user_id, SUM(quantity) FROM orders WHERE sale_id = ? "
                        + "AND status IN ('QUEUED','PENDING_PAYMENT','PAID','FULFILLED') GROUP BY user_id")
                .param(saleId)
                .query((ResultSet rs) -> {
                    units.put(rs.getString(1), rs.getLong(2));
                });
        return units;
    }

    @Override
    public Map<String, String> orderIdsByKey(String saleId) {
        Map<String, String> keys = new HashMap<>();
        jdbc.sql("SELECT user_id, idempotency_key, id FROM orders WHERE sale_id = ?")
                .param(saleId)
                .query((ResultSet rs) -> {
                    keys.put(GateState.keyField(rs.getString(1), rs.getString(2)), rs.getString(3));
                });
        return keys;
    }

    @Override
    public Set<String> releasedOrderIds(String saleId) {
        return new HashSet<>(jdbc.sql(
                        "SELECT id FROM orders WHERE sale_id = ? " + "AND status IN ('CANCELLED','EXPIRED','REFUNDED')")
                .param(saleId)
                .query(String.class)
                .list());
    }

    @Override
    public Optional<Order> lock(String id) {
        return withHistory(jdbc.sql("SELECT " + COLUMNS + " FROM orders o WHERE o.id = ? FOR UPDATE")
                        .param(id)
                        .query(JdbcOrderRepository::map)
                        .list())
                .stream()
                .findFirst();
    }

    @Override
    public boolean transition(String id, Set<OrderStatus> from, OrderStatus to, Instant at, boolean releasesUnits) {
        List<Object> params = new ArrayList<>(List.of(to.name(), Timestamp.from(at), releasesUnits, id));
        from.forEach(f -> params.add(f.name()));
        String marks = SqlDialect.placeholders(from.size());
        int changed = jdbc.sql("UPDATE orders SET status = ?, updated_at = ?, gate_release_pending = ? "
                        + "WHERE id = ? AND status IN (" + marks + ")")
                .params(params)
                .update();
        if (changed == 1) {
            jdbc.sql("INSERT INTO order_history (order_id, status, at) VALUES (?,?,?)")
                    .params(id, to.name(), Timestamp.from(at))
                    .update();
        }
        return changed == 1;
    }

    @Override
    public List<String> lockDueForExpiry(Instant now, int limit) {
        return jdbc.sql("SELECT id FROM orders WHERE status IN ('QUEUED','PENDING_PAYMENT') AND expires_at <= ? "
                        + "ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(Timestamp.from(now), limit)
                .query((rs, n) -> rs.getString(1))
                .list();
    }

    @Override
    public List<UnitHolders.Release> pendingReleases(Instant changedBefore, int limit) {
        return jdbc.sql(
                        "SELECT id, sale_id, user_id, quantity FROM orders WHERE gate_release_pending AND updated_at < ? "
                                + "ORDER BY updated_at LIMIT ?")
                .params(Timestamp.from(changedBefore), limit)
                .query((rs, n) ->
                        new UnitHolders.Release(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4)))
                .list();
    }

    @Override
    public boolean hasOrder(String saleId, String userId, String idempotencyKey) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE sale_id = ? AND user_id = ? AND idempotency_key = ?")
                        .params(saleId, userId, idempotencyKey)
                        .query(Long.class)
                        .single()
                > 0;
    }

    @Override
    public void markReleased(String id) {
        jdbc.sql("UPDATE orders SET gate_release_pending = FALSE WHERE id = ? AND gate_release_pending")
                .param(id)
                .update();
    }

    /** Loads the history of all the orders in one query. */
    private List<Order> withHistory(List<Order> orders) {
        if (orders.isEmpty()) {
            return orders;
        }
        Map<String, List<Order.StatusChange>> history = new LinkedHashMap<>();
        orders.forEach(o -> history.put(o.id(), new ArrayList<>()));
        String marks = SqlDialect.placeholders(orders.size());
        jdbc.sql("SELECT order_id, status, at FROM order_history WHERE order_id IN (" + marks + ")")
                .params(new ArrayList<Object>(history.keySet()))
                .query((ResultSet rs) -> {
                    history.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new Order.StatusChange(
                                    OrderStatus.valueOf(rs.getString(2)),
                                    rs.getTimestamp(3).toInstant()));
                });
        // by time, and by lifecycle order for changes in the same millisecond
        history.values()
                .forEach(h ->
                        h.sort(Comparator.comparing(Order.StatusChange::at).thenComparing(Order.StatusChange::status)));
        List<Order> out = new ArrayList<>(orders.size());
        for (Order o : orders) {
            out.add(new Order(
                    o.id(),
                    o.saleId(),
                    o.userId(),
                    o.idempotencyKey(),
                    o.quantity(),
                    o.amountCents(),
                    o.status(),
                    o.createdAt(),
                    o.expiresAt(),
                    history.getOrDefault(o.id(), List.of()),
                    o.couponId(),
                    o.refusal()));
        }
        return out;
    }

    private static Order map(ResultSet rs, int row) throws SQLException {
        return new Order(
                rs.getString("id"),
                rs.getString("sale_id"),
                rs.getString("user_id"),
                rs.getString("idempotency_key"),
                rs.getInt("quantity"),
                rs.getLong("amount_cents"),
                OrderStatus.valueOf(rs.getString("status")),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(),
                List.of(),
                rs.getString("coupon_id"),
                rs.getString("refusal"));
    }

    @Override
    public UnitHolders.HeldUnits heldUnits(String saleId) {
        long[] held = {0, 0};
        jdbc.sql("SELECT status, SUM(quantity) FROM orders WHERE sale_id = ? "
                        + "AND status IN ('QUEUED','PENDING_PAYMENT','PAID','FULFILLED') GROUP BY status")
                .param(saleId)
                .query((ResultSet rs) -> {
                    String status = rs.getString(1);
                    held[status.equals("PAID") || status.equals("FULFILLED") ? 1 : 0] += rs.getLong(2);
                });
        return new UnitHolders.HeldUnits(held[0], held[1]);
    }

    @Override
    public Set<String> existingIds(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        String marks = SqlDialect.placeholders(ids.size());
        return new HashSet<>(jdbc.sql("SELECT id FROM orders WHERE id IN (" + marks + ")")
                .params(new ArrayList<Object>(ids))
                .query(String.class)
                .list());
    }
}
