package io.stampede.coupon.adapter.jdbc;

import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.port.CampaignRepository;
import io.stampede.shared.jdbc.SqlDialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Campaigns in the relational database. */
@Repository
class JdbcCampaignRepository implements CampaignRepository {
    private final JdbcClient jdbc;
    private final SqlDialect dialect;

    JdbcCampaignRepository(JdbcClient jdbc, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    @Override
    public void insert(Campaign c) {
        jdbc.sql(
                        "INSERT INTO coupon_campaigns (id, name, quantity, per_user_limit, starts_at, ends_at, discount_cents, "
                                + "created_at) VALUES (?,?,?,?,?,?,?,?)")
                .params(
                        c.id(),
                        c.name(),
                        c.quantity(),
                        c.perUserLimit(),
                        Timestamp.from(c.startsAt()),
                        Timestamp.from(c.endsAt()),
                        c.discountCents(),
                        Timestamp.from(c.createdAt()))
                .update();
        jdbc.sql("INSERT INTO campaign_counts (campaign_id, quantity, issued) VALUES (?,?,0)")
                .params(c.id(), c.quantity())
                .update();
    }

    @Override
    public Optional<Campaign> find(String id) {
        return jdbc.sql("SELECT id, name, quantity, per_user_limit, starts_at, ends_at, discount_cents, created_at "
                        + "FROM coupon_campaigns WHERE id = ?")
                .param(id)
                .query((rs, n) -> campaign(rs))
                .optional();
    }

    /** The campaign in the first eight columns: id, name, quantity, limit, start, end, discount, creation. */
    private static Campaign campaign(ResultSet rs) throws SQLException {
        return new Campaign(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getInt(4),
                rs.getTimestamp(5).toInstant(),
                rs.getTimestamp(6).toInstant(),
                rs.getLong(7),
                rs.getTimestamp(8).toInstant());
    }

    @Override
    public List<Map.Entry<Campaign, Long>> listWithIssued(int limit) {
        return jdbc.sql("SELECT c.id, c.name, c.quantity, c.per_user_limit, c.starts_at, c.ends_at, c.discount_cents, "
                        + "c.created_at, n.issued FROM coupon_campaigns c JOIN campaign_counts n ON n.campaign_id = c.id "
                        + "ORDER BY c.created_at DESC, c.id DESC LIMIT ?")
                .param(limit)
                .query((rs, n) -> Map.entry(campaign(rs), rs.getLong(9)))
                .list();
    }

    @Override
    public long bumpGateEpoch(String id) {
        jdbc.sql("UPDATE coupon_campaigns SET gate_epoch = gate_epoch + 1 WHERE id = ?")
                .param(id)
                .update();
        return jdbc.sql("SELECT gate_epoch FROM coupon_campaigns WHERE id = ?")
                .param(id)
                .query(Long.class)
                .single();
    }

    @Override
    public long lockGateEpoch(String id) {
        return jdbc.sql("SELECT gate_epoch FROM coupon_campaigns WHERE id = ? " + dialect.forShare())
                .param(id)
                .query(Long.class)
                .single();
    }

    @Override
    public boolean countIssued(String id) {
        return jdbc.sql("UPDATE campaign_counts SET issued = issued + 1 WHERE campaign_id = ? AND issued < quantity")
                        .param(id)
                        .update()
                == 1;
    }

    @Override
    public long issued(String id) {
        return jdbc.sql("SELECT issued FROM campaign_counts WHERE campaign_id = ?")
                .param(id)
                .query(Long.class)
                .single();
    }

    @Override
    public void lockExclusively(String id) {
        jdbc.sql("SELECT id FROM coupon_campaigns WHERE id = ? FOR UPDATE")
                .param(id)
                .query(String.class)
                .optional();
    }
}
