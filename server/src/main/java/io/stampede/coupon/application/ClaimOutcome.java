package io.stampede.coupon.application;

import io.stampede.coupon.domain.Coupon;

/** The answer to a coupon claim. */
public sealed interface ClaimOutcome {
    record Claimed(Coupon coupon, boolean replay) implements ClaimOutcome {
    }

    record SoldOut() implements ClaimOutcome {
    }

    record LimitExceeded() implements ClaimOutcome {
    }

    record NotActive() implements ClaimOutcome {
    }

    record Unavailable(String reason) implements ClaimOutcome {
    }
}
