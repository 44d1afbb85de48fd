package io.stampede.coupon.application;

import io.stampede.coupon.domain.Coupon;
import io.stampede.inventory.application.GateAdmission;

/** The answer to a coupon claim. */
public sealed interface ClaimOutcome {
    /** The answer to a gate's or the database's refusal. */
    static ClaimOutcome refused(GateAdmission.Rejection rejection) {
        return switch (rejection) {
            case SOLD_OUT -> new SoldOut();
            case LIMIT_EXCEEDED -> new LimitExceeded();
            case NOT_ACTIVE -> new NotActive();
        };
    }

    record Claimed(Coupon coupon, boolean replay) implements ClaimOutcome {}

    record SoldOut() implements ClaimOutcome {}

    record LimitExceeded() implements ClaimOutcome {}

    record NotActive() implements ClaimOutcome {}

    record Unavailable(String reason) implements ClaimOutcome {}
}
