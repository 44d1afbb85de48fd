package io.stampede.coupon.domain;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A claimed coupon: its redeemable code, and the order that redeemed it while it is redeemed. */
public record Coupon(
        String id,
        String campaignId,
        String userId,
        String idempotencyKey,
        String code,
        CouponStatus status,
        @Nullable String orderId,
        long discountCents,
        Instant claimedAt) {}
