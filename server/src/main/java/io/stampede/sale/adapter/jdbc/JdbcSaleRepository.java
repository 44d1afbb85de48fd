package io.stampede.sale.adapter.jdbc;

import io.stampede.sale.domain.Access;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.sale.domain.Turns;
import io.stampede.sale.port.SaleRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Sales in the relational database. */
@Repository
class JdbcSaleRepository implements SaleRepository {
    private static final String COLUMNS = "id, name, sku, price_cents, starts_at, ends_at, per_user_limit, "
            + "payment_timeout_seconds, strategy, intake, gate_segments, total_stock, created_at, access, proof_of_work, "
            + "room_opens_at, room_admit_per_second, room_randomize_seconds, room_admission_ttl_seconds, "
            + "draw_entries_open_at";

    private final JdbcClient jdbc;

    JdbcSaleRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Sale s) {
        Turns.@Nullable Room room = s.turns().room();
        Turns.@Nullable Draw draw = s.turns().draw();
        List<@Nullable Object> values = new ArrayList<>();
        values.add(s.id());
        values.add(s.name());
        values.add(s.sku());
        values.add(s.priceCents());
        values.add(Timestamp.from(s.startsAt()));
        values.add(Timestamp.from(s.endsAt()));
        values.add(s.perUserLimit());
        values.add(s.paymentTimeout().toSeconds());
        values.add(s.strategy().name());
        values.add(s.intake().name());
        values.add(s.gateSegments());
        values.add(s.totalStock());
        values.add(Timestamp.from(s.createdAt()));
        values.add(s.turns().access().name());
        values.add(s.turns().proofOfWork());
        values.add(room == null ? null : Timestamp.from(room.opensAt()));
        values.add(room == null ? null : room.admitPerSecond());
        values.add(room == null ? null : room.randomizeFor().toSeconds());
        values.add(room == null ? null : room.admissionTtl().toSeconds());
        values.add(draw == null ? null : Timestamp.from(draw.entriesOpenAt()));
        values.add(s.totalStock()); // on hand
        jdbc.sql("INSERT INTO sales (" + COLUMNS + ", on_hand) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                .params(values)
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
                rs.getTimestamp("created_at").toInstant(),
                turns(rs));
    }

    private static Turns turns(ResultSet rs) throws SQLException {
        Access access = Access.valueOf(rs.getString("access"));
        return switch (access) {
            case OPEN -> Turns.OPEN;
            case WAITING_ROOM ->
                new Turns(
                        access,
                        new Turns.Room(
                                rs.getTimestamp("room_opens_at").toInstant(),
                                rs.getInt("room_admit_per_second"),
                                Duration.ofSeconds(rs.getLong("room_randomize_seconds")),
                                Duration.ofSeconds(rs.getLong("room_admission_ttl_seconds"))),
                        null,
                        rs.getInt("proof_of_work"));
            case DRAW ->
                new Turns(
                        access,
                        null,
                        new Turns.Draw(rs.getTimestamp("draw_entries_open_at").toInstant()),
                        rs.getInt("proof_of_work"));
        };
    }

    @Override
    public boolean setAdmitPerSecond(String id, int admitPerSecond) {
        return jdbc.sql("UPDATE sales SET room_admit_per_second = ? WHERE id = ? AND access = 'WAITING_ROOM'")
                        .params(admitPerSecond, id)
                        .update()
                == 1;
    }
}
