package io.stampede.sale.adapter.jdbc;

import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.sale.port.SaleRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Sales in the relational database. */
@Repository
class JdbcSaleRepository implements SaleRepository {
    private static final String COLUMNS = "id, name, sku, price_cents, starts_at, ends_at, per_user_limit, "
            + "payment_timeout_seconds, strategy, intake, gate_segments, total_stock, created_at";

    private final JdbcClient jdbc;

    JdbcSaleRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Sale s) {
        jdbc.sql("INSERT INTO sales (" + COLUMNS + ", on_hand) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                .params(
                        s.id(),
                        s.name(),
                        s.sku(),
                        s.priceCents(),
                        Timestamp.from(s.startsAt()),
                        Timestamp.from(s.endsAt()),
                        s.perUserLimit(),
                        s.paymentTimeout().toSeconds(),
                        s.strategy().name(),
                        s.intake().name(),
                        s.gateSegments(),
                        s.totalStock(),
                        Timestamp.from(s.createdAt()),
                        s.totalStock())
                .update();
    }

    @Override
    public Optional<Sale> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sales WHERE id = ?")
                .param(id)
                .query(JdbcSaleRepository::map)
                .optional();
    }

    @Override
    public List<Sale> list(int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sales ORDER BY created_at DESC, id DESC LIMIT ?")
                .param(limit)
                .query(JdbcSaleRepository::map)
                .list();
    }

    @Override
    public List<Sale> openOrUpcoming(Instant now) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sales WHERE ends_at > ?")
                .param(Timestamp.from(now))
                .query(JdbcSaleRepository::map)
                .list();
    }

    @Override
    public boolean addStock(String id, long quantity) {
        return jdbc.sql("UPDATE sales SET total_stock = total_stock + ?, on_hand = on_hand + ? WHERE id = ?")
                        .params(quantity, quantity, id)
                        .update()
                == 1;
    }

    @Override
    public boolean shipUnits(String id, long quantity) {
        return jdbc.sql("UPDATE sales SET on_hand = on_hand - ? WHERE id = ? AND on_hand >= ?")
                        .params(quantity, id, quantity)
                        .update()
                == 1;
    }

    private static Sale map(ResultSet rs, int row) throws SQLException {
        return new Sale(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("sku"),
                rs.getLong("price_cents"),
                rs.getTimestamp("starts_at").toInstant(),
                rs.getTimestamp("ends_at").toInstant(),
                rs.getInt("per_user_limit"),
                Duration.ofSeconds(rs.getLong("payment_timeout_seconds")),
                StockStrategy.valueOf(rs.getString("strategy")),
                Intake.valueOf(rs.getString("intake")),
                rs.getInt("gate_segments"),
                rs.getLong("total_stock"),
                rs.getTimestamp("created_at").toInstant());
    }
}
