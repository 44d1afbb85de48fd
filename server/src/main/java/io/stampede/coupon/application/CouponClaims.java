package io.stampede.coupon.application;

import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.domain.CouponCodes;
import io.stampede.coupon.domain.CouponStatus;
import io.stampede.coupon.port.CouponIssuer;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.inventory.application.GateAdmission;
import io.stampede.inventory.application.GateAdmission.Admission;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.PurchaseGate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Claims under a rush, through the same admission protocol and Lua gate as purchases (a claim is a reservation of
 * one coupon with no payment step; see {@link GateAdmission}). The winners are written by the {@link CouponIssuer},
 * whose transaction checks the campaign's quantity and the user's slots in the database as well: a claim the
 * database refuses is answered as refused, its unit stays where the wrong gate put it, and the gate is rebuilt.
 */
@Service
public class CouponClaims {
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(5);

    private final PurchaseGate gate;
    private final CouponRepository coupons;
    private final CouponIssuer issuer;
    private final CampaignService campaigns;
    private final GateAdmission admission;
    private final Clock clock;

    public CouponClaims(
            @Qualifier("couponGate") PurchaseGate gate,
            CouponRepository coupons,
            CouponIssuer issuer,
            CampaignService campaigns,
            GateAdmission admission,
            Clock clock) {
        this.gate = gate;
        this.coupons = coupons;
        this.issuer = issuer;
        this.campaigns = campaigns;
        this.admission = admission;
        this.clock = clock;
    }

    public ClaimOutcome claim(Campaign campaign, String userId, String key) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        GateAdmission.Attempt attempt = new GateAdmission.Attempt(campaign.id(), userId, key, 1, now);
        CampaignGate campaignGate = new CampaignGate(campaign);
        return switch (admission.admit(campaignGate, attempt)) {
            case Admission.Existing<Coupon> e -> new ClaimOutcome.Claimed(e.made(), true);
            case Admission.Refused<Coupon> r -> ClaimOutcome.refused(r.rejection());
            case Admission.Unavailable<Coupon> u -> new ClaimOutcome.Unavailable(u.reason());
            case Admission.Admitted<Coupon> a ->
                write(
                        campaignGate,
                        attempt,
                        a,
                        campaign,
                        new Coupon(
                                a.id(),
                                campaign.id(),
                                userId,
                                key,
                                CouponCodes.next(),
                                CouponStatus.CLAIMED,
                                null,
                                campaign.discountCents(),
                                now));
        };
    }

    private ClaimOutcome write(
            CampaignGate campaignGate,
            GateAdmission.Attempt attempt,
            Admission.Admitted<Coupon> admitted,
            Campaign campaign,
            Coupon coupon) {
        CouponIssuer.Issue issue = issuer.issue(campaign, coupon, admitted.gateEpoch());
        GateAdmission.Settled settled = admission.settle(campaignGate, attempt, admitted, issue.fate());
        return switch (issue) {
            case CouponIssuer.Issue.Issued i -> new ClaimOutcome.Claimed(coupon, false);
            case CouponIssuer.Issue.Existing e -> new ClaimOutcome.Claimed(e.coupon(), true);
            case CouponIssuer.Issue.Exhausted e -> new ClaimOutcome.SoldOut();
            case CouponIssuer.Issue.LimitReached l -> new ClaimOutcome.LimitExceeded();
            case CouponIssuer.Issue.StaleGate s ->
                new ClaimOutcome.Unavailable("the campaign's gate was rebuilt meanwhile; retry with the same key");
            case CouponIssuer.Issue.Failed f ->
                new ClaimOutcome.Unavailable("the coupon could not be written; retry with the same key");
            case CouponIssuer.Issue.InDoubt d ->
                settled == GateAdmission.Settled.WRITTEN
                        ? new ClaimOutcome.Claimed(coupon, false)
                        : new ClaimOutcome.Unavailable("the coupon could not be written; retry with the same key");
        };
    }

    /** A campaign's gate, as the admission protocol sees it. */
    private final class CampaignGate implements GateAdmission.Gate<Coupon> {
        private final Campaign campaign;

        CampaignGate(Campaign campaign) {
            this.campaign = campaign;
        }

        @Override
        public String name() {
            return "campaign " + campaign.id();
        }

        @Override
        public Reservation reserve(GateAdmission.Attempt a, String newId) {
            return gate.reserve(campaign.id(), a.userId(), a.key(), 1, newId, a.now());
        }

        @Override
        public void undo(GateAdmission.Attempt a, String id) {
            gate.compensate(campaign.id(), a.userId(), a.key(), id, 1);
        }

        @Override
        public Optional<Coupon> find(String id, String userId) {
            return coupons.find(id).filter(c -> c.userId().equals(userId));
        }

        @Override
        public boolean rebuild() {
            return campaigns.rebuildGate(campaign);
        }

        @Override
        public boolean writtenAfterAll(String id) {
            return issuer.writtenAfterAll(campaign.id(), id);
        }

        @Override
        public Duration replayWait() {
            return REPLAY_WAIT;
        }
    }
}
