package io.stampede.coupon.adapter.jdbc;

import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.domain.CouponStatus;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.inventory.domain.GateState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Coupons in the relational database; the unique constraints are the second guard behind the gate. */
@Repository
class JdbcCouponRepository implements CouponRepository {
    private static final String SELECT = "SELECT c.id, c.campaign_id, c.user_id, c.idempotency_key, c.code, c.status, "
            + "c.order_id, k.discount_cents, c.claimed_at FROM coupons c JOIN coupon_campaigns k ON k.id = c.campaign_id ";

    private final JdbcClient jdbc;

    JdbcCouponRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Coupon c, int userSlot, int slotLimit) {
        jdbc.sql("INSERT INTO coupons (id, campaign_id, user_id, idempotency_key, user_slot, slot_limit, code, status, "
                        + "order_id, claimed_at) VALUES (?,?,?,?,?,?,?,?,?,?)")
                .params(Arrays.asList(
                        c.id(),
                        c.campaignId(),
                        c.userId(),
                        c.idempotencyKey(),
                        userSlot,
                        slotLimit,
                        c.code(),
                        c.status().name(),
                        c.orderId(),
                        Timestamp.from(c.claimedAt())))
                .update();
    }

    @Override
    public Optional<Coupon> find(String id) {
        return jdbc.sql(SELECT + "WHERE c.id = ?")
                .param(id)
                .query(JdbcCouponRepository::map)
                .optional();
    }

    @Override
    public Optional<Coupon> findByCode(String code) {
        return jdbc.sql(SELECT + "WHERE c.code = ?")
                .param(code)
                .query(JdbcCouponRepository::map)
                .optional();
    }

    @Override
    public Optional<Coupon> findByKey(String campaignId, String userId, String idempotencyKey) {
        return jdbc.sql(SELECT + "WHERE c.campaign_id = ? AND c.user_id = ? AND c.idempotency_key = ?")
                .params(campaignId, userId, idempotencyKey)
                .query(JdbcCouponRepository::map)
                .optional();
    }

    @Override
    public List<Coupon> findByUser(String userId, int limit) {
        return jdbc.sql(SELECT + "WHERE c.user_id = ? ORDER BY c.claimed_at DESC, c.id LIMIT ?")
                .params(userId, limit)
                .query(JdbcCouponRepository::map)
                .list();
    }

    @Override
    public int countOf(String campaignId, String userId) {
        return jdbc.sql("SELECT COUNT(*) FROM coupons WHERE campaign_id = ? AND user_id = ?")
                .params(campaignId, userId)
                .query(Integer.class)
                .single();
    }

    @Override
    public Map<String, Long> countsByUser(String campaignId) {
        Map<String, Long> counts = new HashMap<>();
        jdbc.sql("SELECT user_id, COUNT(*) FROM coupons WHERE campaign_id = ? GROUP BY user_id")
                .param(campaignId)
                .query((ResultSet rs) -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    @Override
    public Map<String, String> idsByKey(String campaignId) {
        Map<String, String> ids = new HashMap<>();
        jdbc.sql("SELECT user_id, idempotency_key, id FROM coupons WHERE campaign_id = ?")
                .param(campaignId)
                .query((ResultSet rs) -> {
                    ids.put(GateState.keyField(rs.getString(1), rs.getString(2)), rs.getString(3));
                });
        return ids;
    }

    @Override
    public boolean redeem(String couponId, String userId, String orderId) {
        return jdbc.sql("UPDATE coupons SET status = 'REDEEMED', order_id = ? WHERE id = ? AND user_id = ? "
                                + "AND status = 'CLAIMED'")
                        .params(orderId, couponId, userId)
                        .update()
                == 1;
    }

    @Override
    public boolean release(String couponId, String orderId) {
        return jdbc.sql("UPDATE coupons SET status = 'CLAIMED', order_id = NULL WHERE id = ? AND order_id = ? "
                                + "AND status = 'REDEEMED'")
                        .params(couponId, orderId)
                        .update()
                == 1;
    }

    private static Coupon map(ResultSet rs, int n) throws SQLException {
        return new Coupon(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                CouponStatus.valueOf(rs.getString(6)),
                rs.getString(7),
                rs.getLong(8),
                rs.getTimestamp(9).toInstant());
    }
}
