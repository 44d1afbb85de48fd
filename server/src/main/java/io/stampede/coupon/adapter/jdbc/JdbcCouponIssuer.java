package io.stampede.coupon.adapter.jdbc;

import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.port.CampaignRepository;
import io.stampede.coupon.port.CouponIssuer;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.event.application.Events;
import io.stampede.event.port.Outbox;
import io.stampede.shared.Failures;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The claim's transaction: the gate's epoch fence (the campaign row held shared), the coupon in the user's next free
 * slot (1..limit, each once: the database's per-user guard), its event, and, last, the campaign's issued count (the
 * database's quantity guard), so that claims queue on the count's row only from there to the commit. The answers the database gives as
 * exceptions (a taken slot or key, a failed commit) become values here.
 */
@Component
class JdbcCouponIssuer implements CouponIssuer {
    private static final int SETTLE_TIMEOUT_SECONDS = 5;

    private final CouponRepository coupons;
    private final CampaignRepository campaigns;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final TransactionTemplate settle;

    JdbcCouponIssuer(CouponRepository coupons, CampaignRepository campaigns, Outbox outbox, TransactionTemplate tx) {
        this.coupons = coupons;
        this.campaigns = campaigns;
        this.outbox = outbox;
        this.tx = tx;
        // bounded: a claim whose connection died unseen can hold its lock until the database notices
        this.settle = new TransactionTemplate(Objects.requireNonNull(tx.getTransactionManager()));
        settle.setTimeout(SETTLE_TIMEOUT_SECONDS);
    }

    @Override
    public Issue issue(Campaign campaign, Coupon coupon, long gateEpoch) {
        // a user's claims take slots 1..limit; a concurrent claim of the same user may take ours, so try the next
        for (int attempt = 0; attempt < campaign.perUserLimit(); attempt++) {
            AtomicBoolean committing =
                    new AtomicBoolean(); // set once every statement ran: a failure after is the commit's
            try {
                return tx.execute(s -> {
                    // the fence: the campaign row shared until the commit, so a rebuild's epoch bump waits for us
                    if (campaigns.lockGateEpoch(campaign.id()) != gateEpoch) {
                        s.setRollbackOnly();
                        return new Issue.StaleGate();
                    }
                    int slot = coupons.countOf(campaign.id(), coupon.userId()) + 1;
                    if (slot > campaign.perUserLimit()) {
                        s.setRollbackOnly();
                        return new Issue.LimitReached();
                    }
                    coupons.insert(coupon, slot, campaign.perUserLimit());
                    outbox.append(Events.of(
                            "coupon.claimed",
                            coupon.claimedAt(),
                            "couponId",
                            coupon.id(),
                            "campaignId",
                            campaign.id(),
                            "userId",
                            coupon.userId(),
                            "discountCents",
                            coupon.discountCents()));
                    if (!campaigns.countIssued(campaign.id())) {
                        s.setRollbackOnly();
                        return new Issue.Exhausted();
                    }
                    committing.set(true);
                    return new Issue.Issued();
                });
            } catch (DuplicateKeyException e) {
                Optional<Coupon> existing = coupons.findByKey(campaign.id(), coupon.userId(), coupon.idempotencyKey());
                if (existing.isPresent()) {
                    return new Issue.Existing(existing.get());
                }
                // the slot was taken by a concurrent claim of the same user: the next one
            } catch (DataIntegrityViolationException e) {
                return new Issue.LimitReached(); // no slot left within the limit
            } catch (RuntimeException e) {
                return committing.get()
                        ? new Issue.InDoubt(Failures.describe(e))
                        : new Issue.Failed(Failures.describe(e));
            }
        }
        return new Issue.LimitReached();
    }

    @Override
    public boolean writtenAfterAll(String campaignId, String couponId) {
        return Boolean.TRUE.equals(settle.execute(s -> {
            campaigns.lockExclusively(campaignId);
            return coupons.find(couponId).isPresent();
        }));
    }
}
