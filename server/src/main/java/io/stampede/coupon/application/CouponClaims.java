package io.stampede.coupon.application;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.domain.CouponCodes;
import io.stampede.coupon.domain.CouponStatus;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.event.application.Events;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.shared.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims under a rush, through the same Lua gate as purchases (a claim is a reservation with no payment step).
 * The winners are written with their user slot, so the database refuses a coupon past the per-user limit even if
 * the gate were wrong; a claim whose coupon cannot be written gives its unit back to the gate.
 */
@Service
public class CouponClaims {
    private static final Logger log = LoggerFactory.getLogger(CouponClaims.class);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int SETTLE_TIMEOUT_SECONDS = 5;

    private final PurchaseGate gate;
    private final CouponRepository coupons;
    private final CampaignService campaigns;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final CircuitBreaker breaker;
    private final TransactionTemplate settle;

    public CouponClaims(@Qualifier("couponGate") PurchaseGate gate, CouponRepository coupons, CampaignService campaigns,
                        Outbox outbox, TransactionTemplate tx, Clock clock, CircuitBreaker gateCircuitBreaker) {
        this.breaker = gateCircuitBreaker;
        this.gate = gate;
        this.coupons = coupons;
        this.campaigns = campaigns;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
        // bounded: a claim whose connection died unseen can hold its lock until the database notices
        this.settle = new TransactionTemplate(tx.getTransactionManager());
        settle.setTimeout(SETTLE_TIMEOUT_SECONDS);
    }

    public ClaimOutcome claim(Campaign campaign, String userId, String key) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            String couponId = Ids.newId();
            switch (breaker.executeSupplier(() -> gate.reserve(campaign.id(), userId, key, 1, couponId, now))) {
                case Reservation.Reserved r -> {
                    return write(campaign, new Coupon(couponId, campaign.id(), userId, key, CouponCodes.next(),
                            CouponStatus.CLAIMED, null, campaign.discountCents(), now), r.gateEpoch());
                }
                case Reservation.Duplicate d -> {
                    return replay(d.orderId(), userId, deadline);
                }
                case Reservation.SoldOut s -> {
                    return new ClaimOutcome.SoldOut();
                }
                case Reservation.LimitExceeded l -> {
                    return new ClaimOutcome.LimitExceeded();
                }
                case Reservation.NotActive n -> {
                    return new ClaimOutcome.NotActive();
                }
                case Reservation.GateMissing m -> {
                    if (System.nanoTime() > deadline) {
                        return new ClaimOutcome.Unavailable("the campaign's gate is being rebuilt");
                    }
                    GateRebuilder.rebuildOrWait(() -> campaigns.rebuildGate(campaign), "campaign " + campaign.id());
                }
            }
        }
    }

    /** Thrown inside the claim's transaction when the gate that granted it has been rebuilt since. */
    static final class StaleGate extends RuntimeException {
        StaleGate() {
            super("the campaign's gate was rebuilt after it granted this claim", null, false, false);
        }
    }

    ClaimOutcome write(Campaign campaign, Coupon coupon, long gateEpoch) {
        // a user's claims take slots 1..limit; a concurrent claim of the same user may take ours, so try the next
        for (int attempt = 0; attempt < campaign.perUserLimit(); attempt++) {
            AtomicBoolean committing = new AtomicBoolean(); // set once every statement ran: a failure after is the commit's
            try {
                tx.executeWithoutResult(s -> {
                    if (!campaigns.isCurrentGate(campaign.id(), gateEpoch)) {
                        throw new StaleGate(); // the rebuilt gate counted without this claim: it must not be written
                    }
                    int slot = coupons.countOf(campaign.id(), coupon.userId()) + 1;
                    coupons.insert(coupon, slot, campaign.perUserLimit());
                    outbox.append(Events.of("coupon.claimed", coupon.claimedAt(), "couponId", coupon.id(),
                            "campaignId", campaign.id(), "userId", coupon.userId(), "discountCents", coupon.discountCents()));
                    committing.set(true);
                });
                return new ClaimOutcome.Claimed(coupon, false);
            } catch (DuplicateKeyException e) {
                Optional<Coupon> existing = coupons.findByKey(campaign.id(), coupon.userId(), coupon.idempotencyKey());
                if (existing.isPresent()) { // the gate had lost this key; the database answers the replay
                    compensate(coupon);
                    return new ClaimOutcome.Claimed(existing.get(), true);
                }
            } catch (StaleGate e) {
                compensate(coupon); // a no-op on the rebuilt gate, where this claim's key is not recorded
                return new ClaimOutcome.Unavailable("the campaign's gate was rebuilt meanwhile; retry with the same key");
            } catch (DataIntegrityViolationException e) { // no slot left within the limit
                compensate(coupon);
                return new ClaimOutcome.LimitExceeded();
            } catch (RuntimeException e) {
                if (committing.get()) {
                    return settleInDoubt(campaign, coupon, e);
                }
                compensate(coupon); // it failed before its commit: rolled back, certainly not written
                return new ClaimOutcome.Unavailable("the coupon could not be written");
            }
        }
        compensate(coupon);
        return new ClaimOutcome.LimitExceeded();
    }

    private ClaimOutcome replay(String couponId, String userId, long deadline) {
        while (true) {
            Optional<Coupon> coupon = coupons.find(couponId).filter(c -> c.userId().equals(userId));
            if (coupon.isPresent()) {
                return new ClaimOutcome.Claimed(coupon.get(), true);
            }
            if (System.nanoTime() > deadline) {
                return new ClaimOutcome.Unavailable("the earlier claim with this key is not settled yet");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ClaimOutcome.Unavailable("interrupted");
            }
        }
    }

    /**
     * The coupon's commit failed, so it may still be landing: returning the unit now could issue it twice. Taking the
     * campaign row exclusively waits for every claim transaction holding it shared, after which a read is the truth.
     * If even that fails (the database is gone), the unit stays held until the campaign's gate is next rebuilt: one
     * coupon too few, never one too many.
     */
    private ClaimOutcome settleInDoubt(Campaign campaign, Coupon coupon, RuntimeException cause) {
        try {
            Boolean written = settle.execute(s -> {
                campaigns.lockExclusively(campaign.id());
                return coupons.find(coupon.id()).isPresent();
            });
            if (Boolean.TRUE.equals(written)) {
                return new ClaimOutcome.Claimed(coupon, false);
            }
            compensate(coupon);
        } catch (RuntimeException e) {
            log.warn("Coupon {} of campaign {} in doubt ({}) and not settled; its unit stays held: {}", coupon.id(),
                    campaign.id(), cause.getClass().getSimpleName(), e.getMessage());
        }
        return new ClaimOutcome.Unavailable("the coupon could not be written");
    }

    private void compensate(Coupon coupon) {
        try {
            gate.compensate(coupon.campaignId(), coupon.userId(), coupon.idempotencyKey(), coupon.id(), 1);
        } catch (RuntimeException e) {
            log.warn("Could not return the unit of unwritten coupon {}; rebuild will: {}", coupon.id(), e.getMessage());
        }
    }
}
