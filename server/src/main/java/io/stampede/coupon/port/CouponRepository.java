package io.stampede.coupon.port;

import io.stampede.coupon.domain.Coupon;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where claimed coupons are kept: the truth of what was issued. */
public interface CouponRepository {
    /** Inserts a coupon in the user's slot; DuplicateKeyException when the slot, key or code is taken. */
    void insert(Coupon coupon, int userSlot, int slotLimit);

    Optional<Coupon> find(String id);

    Optional<Coupon> findByCode(String code);

    Optional<Coupon> findByKey(String campaignId, String userId, String idempotencyKey);

    /** The user's coupons, newest first. */
    List<Coupon> findByUser(String userId, int limit);

    int countOf(String campaignId, String userId);

    Map<String, Long> countsByUser(String campaignId);

    /** Coupon id by "user \n key", for a rebuilt gate to answer replays. */
    Map<String, String> idsByKey(String campaignId);

    /** Marks the user's claimed coupon as redeemed by the order; false when it is not claimed (used already). */
    boolean redeem(String couponId, String userId, String orderId);

    /** Makes the coupon claimable again when the order that redeemed it is gone; false when it was not. */
    boolean release(String couponId, String orderId);
}
