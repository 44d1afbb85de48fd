package io.stampede.coupon.domain;

import java.time.Instant;

/** A claimed coupon: its redeemable code, and the order that redeemed it while it is redeemed. */
public record Coupon(String id, String campaignId, String userId, String idempotencyKey, String code,
                     CouponStatus status, String orderId, long discountCents, Instant claimedAt) {
}
