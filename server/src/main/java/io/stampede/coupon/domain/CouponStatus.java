package io.stampede.coupon.domain;

/** A coupon is claimed, then redeemed by one order (and claimed again if that order is cancelled or expires). */
public enum CouponStatus {
    CLAIMED,
    REDEEMED
}
