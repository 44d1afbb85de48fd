package io.stampede.coupon.port;

import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.Coupon;
import io.stampede.inventory.application.GateAdmission.Fate;

/**
 * Writes the coupon of a claim the campaign's gate granted, in one transaction that also checks what the database
 * knows: the gate's epoch is still current, the campaign has issued fewer coupons than its quantity, the user holds
 * fewer than the limit, and the key has no coupon yet. Every answer is a value.
 */
public interface CouponIssuer {
    /** What became of a coupon handed to the issuer; each says what it means for the gate ({@link #fate}). */
    sealed interface Issue {
        /** How the admission protocol settles the campaign's gate for this answer. */
        Fate fate();

        /** Committed. */
        record Issued() implements Issue {
            @Override
            public Fate fate() {
                return new Fate.Written();
            }
        }

        /** The key has a coupon already (the gate had lost it): this is it; nothing was written. */
        record Existing(Coupon coupon) implements Issue {
            @Override
            public Fate fate() {
                return new Fate.Contradicted("lost a claim's key", true);
            }
        }

        /** The gate that granted the claim was rebuilt since: nothing was written. */
        record StaleGate() implements Issue {
            @Override
            public Fate fate() {
                return new Fate.NotWritten();
            }
        }

        /** The campaign has issued all its coupons (the gate was wrong): nothing was written. */
        record Exhausted() implements Issue {
            @Override
            public Fate fate() {
                return new Fate.Contradicted("claim past the quantity", false);
            }
        }

        /** The user holds as many coupons as the limit allows (the gate was wrong): nothing was written. */
        record LimitReached() implements Issue {
            @Override
            public Fate fate() {
                return new Fate.Contradicted("claim past the limit", false);
            }
        }

        /** Rolled back, or never run: nothing was written. */
        record Failed(String reason) implements Issue {
            @Override
            public Fate fate() {
                return new Fate.NotWritten();
            }
        }

        /** Every statement ran and the commit failed: written or not is unknown until its transaction has ended. */
        record InDoubt(String reason) implements Issue {
            @Override
            public Fate fate() {
                return new Fate.InDoubt();
            }
        }
    }

    Issue issue(Campaign campaign, Coupon coupon, long gateEpoch);

    /**
     * After a commit in doubt: waits until every claim transaction that counted on the campaign has ended, then
     * answers whether the coupon is there. Throws when the database cannot tell.
     */
    boolean writtenAfterAll(String campaignId, String couponId);
}
