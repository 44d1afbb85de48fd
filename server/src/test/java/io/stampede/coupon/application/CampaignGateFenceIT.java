package io.stampede.coupon.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.domain.CouponCodes;
import io.stampede.coupon.domain.CouponStatus;
import io.stampede.coupon.port.CampaignRepository;
import io.stampede.coupon.port.CouponIssuer;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.GateFences;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.Offers;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The campaign gate's epoch fence (migration V7): a claim granted by a gate that has been rebuilt since, because
 * Redis lost the campaign's keys mid-rush, must not be written, or the rebuilt gate (which counted without it) and
 * the late claim together would issue more coupons than the campaign has.
 */
@IntegrationTest
class CampaignGateFenceIT {
    @Autowired
    CampaignService campaigns;

    @Autowired
    CouponClaims claims;

    @Autowired
    @Qualifier("couponGate")
    PurchaseGate gate;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CouponIssuer issuer;

    @Autowired
    CampaignRepository campaignRows;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    GateFences fences;

    @Test
    void aClaimGrantedByAGateRebuiltSinceIsRefusedSoNoCouponIsIssuedTwice() {
        Instant now = Instant.now();
        Campaign campaign = Offers.campaign().name("fenced").quantity(1).openWith(campaigns);

        // the only coupon is granted to "early", whose write is slow ...
        Reservation granted = gate.reserve(campaign.id(), "early", "k", 1, "coupon-early", now);
        assertThat(granted).isInstanceOf(Reservation.Reserved.class);
        long staleEpoch = ((Reservation.Reserved) granted).gateEpoch();

        // ... meanwhile the gate is lost and rebuilt from the database, which has no coupon yet: one is free again
        campaigns.rebuildGate(campaign);
        assertThat(claims.claim(campaign, "late", "k")).isInstanceOf(ClaimOutcome.Claimed.class);

        // the slow write arrives: refused, the campaign's one coupon stays the only one
        Coupon early = new Coupon(
                "coupon-early",
                campaign.id(),
                "early",
                "k",
                CouponCodes.next(),
                CouponStatus.CLAIMED,
                null,
                campaign.discountCents(),
                now);
        assertThat(issuer.issue(campaign, early, staleEpoch)).isInstanceOf(CouponIssuer.Issue.StaleGate.class);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM coupons WHERE campaign_id = ?")
                        .param(campaign.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        // and the rebuilt gate, which counted the late claim, answers the early user sold out
        assertThat(claims.claim(campaign, "early", "k")).isInstanceOf(ClaimOutcome.SoldOut.class);
    }

    @Test
    void settlingAWriteInDoubtWaitsForTheTransactionsHoldingTheRowShared() throws Exception {
        Campaign campaign = Offers.campaign().name("settle").quantity(5).openWith(campaigns);
        CountDownLatch shared = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // a claim transaction holds the campaign row shared (its epoch check), as one whose commit is in doubt would
        Thread claim = Thread.ofVirtual()
                .start(() -> tx.executeWithoutResult(s -> {
                    campaignRows.lockGateEpoch(campaign.id());
                    shared.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        shared.await();
        AtomicLong lockedAt = new AtomicLong();
        Thread settle = Thread.ofVirtual()
                .start(() -> tx.executeWithoutResult(s -> {
                    campaignRows.lockExclusively(campaign.id());
                    lockedAt.set(System.nanoTime());
                }));
        Thread.sleep(300);
        long releasedAt = System.nanoTime();
        release.countDown();
        claim.join();
        settle.join();
        assertThat(lockedAt.get())
                .as("the exclusive lock waited for the shared one")
                .isGreaterThan(releasedAt);

        // the sale row's twin runs on this database too
        String sale = jdbc.sql("SELECT id FROM sales ORDER BY created_at DESC").query(String.class).list().stream()
                .findFirst()
                .orElse(null);
        if (sale != null) {
            tx.executeWithoutResult(s -> fences.lockExclusively(sale));
        }
    }
}
