package io.stampede.coupon.application;

import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.domain.CouponCodes;
import io.stampede.coupon.domain.CouponStatus;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.event.application.Events;
import io.stampede.event.port.Outbox;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Using a claimed coupon on an order, once, and giving it back when that order is cancelled or expires. */
@Service
public class CouponRedemptions {
    private final CouponRepository coupons;
    private final Outbox outbox;

    public CouponRedemptions(CouponRepository coupons, Outbox outbox) {
        this.coupons = coupons;
        this.outbox = outbox;
    }

    /** Why a coupon code cannot be used by a user, before anything is reserved. */
    public sealed interface Check {
        record Usable(Coupon coupon) implements Check {}

        /** Unknown, malformed, or another user's: answered exactly alike. */
        record NotYours() implements Check {}

        record AlreadyUsed() implements Check {}
    }

    public Check check(String code, String userId) {
        if (!CouponCodes.isWellFormed(code)) {
            return new Check.NotYours();
        }
        Optional<Coupon> coupon =
                coupons.findByCode(code).filter(c -> c.userId().equals(userId));
        if (coupon.isEmpty()) {
            return new Check.NotYours();
        }
        return coupon.get().status() == CouponStatus.CLAIMED ? new Check.Usable(coupon.get()) : new Check.AlreadyUsed();
    }

    /**
     * In the order's transaction: marks the coupon redeemed by the order; false, changing nothing, when it was used
     * meanwhile (the order must then not be written).
     */
    public boolean redeem(String couponId, String userId, String orderId, Instant at) {
        if (!coupons.redeem(couponId, userId, orderId)) {
            return false;
        }
        outbox.append(Events.of("coupon.redeemed", at, "couponId", couponId, "orderId", orderId, "userId", userId));
        return true;
    }

    /** In the transaction that ends the order: the coupon may be used again. */
    public void release(String couponId, String orderId, Instant at) {
        if (coupons.release(couponId, orderId)) {
            outbox.append(Events.of("coupon.released", at, "couponId", couponId, "orderId", orderId));
        }
    }
}
