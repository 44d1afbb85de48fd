package io.stampede.coupon.domain;

import java.time.Instant;

/** A coupon campaign: {@code quantity} coupons worth {@code discountCents}, claimable in a window, a few per user. */
public record Campaign(
        String id,
        String name,
        long quantity,
        int perUserLimit,
        Instant startsAt,
        Instant endsAt,
        long discountCents,
        Instant createdAt) {}
