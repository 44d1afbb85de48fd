package io.stampede.coupon.adapter.jdbc;

import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.port.CampaignRepository;
import java.sql.Timestamp;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Campaigns in the relational database. */
@Repository
class JdbcCampaignRepository implements CampaignRepository {
    private final JdbcClient jdbc;

    JdbcCampaignRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Campaign c) {
        jdbc.sql("INSERT INTO coupon_campaigns (id, name, quantity, per_user_limit, starts_at, ends_at, discount_cents, "
                        + "created_at) VALUES (?,?,?,?,?,?,?,?)")
                .params(c.id(), c.name(), c.quantity(), c.perUserLimit(), Timestamp.from(c.startsAt()),
                        Timestamp.from(c.endsAt()), c.discountCents(), Timestamp.from(c.createdAt()))
                .update();
    }

    @Override
    public Optional<Campaign> find(String id) {
        return jdbc.sql("SELECT id, name, quantity, per_user_limit, starts_at, ends_at, discount_cents, created_at "
                        + "FROM coupon_campaigns WHERE id = ?").param(id)
                .query((rs, n) -> new Campaign(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4),
                        rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(), rs.getLong(7),
                        rs.getTimestamp(8).toInstant()))
                .optional();
    }

    @Override
    public long bumpGateEpoch(String id) {
        jdbc.sql("UPDATE coupon_campaigns SET gate_epoch = gate_epoch + 1 WHERE id = ?").param(id).update();
        return jdbc.sql("SELECT gate_epoch FROM coupon_campaigns WHERE id = ?").param(id).query(Long.class).single();
    }

    @Override
    public Count countIssued(String id, long gateEpoch) {
        if (jdbc.sql("UPDATE coupon_campaigns SET issued = issued + 1 WHERE id = ? AND gate_epoch = ? "
                + "AND issued < quantity").params(id, gateEpoch).update() == 1) {
            return Count.COUNTED;
        }
        long epoch = jdbc.sql("SELECT gate_epoch FROM coupon_campaigns WHERE id = ?").param(id).query(Long.class)
                .single();
        return epoch != gateEpoch ? Count.STALE_GATE : Count.EXHAUSTED;
    }

    @Override
    public long issued(String id) {
        return jdbc.sql("SELECT issued FROM coupon_campaigns WHERE id = ?").param(id).query(Long.class).single();
    }

    @Override
    public void lockExclusively(String id) {
        jdbc.sql("SELECT id FROM coupon_campaigns WHERE id = ? FOR UPDATE").param(id).query(String.class).optional();
    }
}
