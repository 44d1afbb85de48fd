package io.stampede.coupon.adapter.web;

import io.stampede.coupon.application.CampaignService;
import io.stampede.coupon.application.ClaimOutcome;
import io.stampede.coupon.application.CouponClaims;
import io.stampede.coupon.domain.Campaign;
import io.stampede.coupon.domain.CampaignRules;
import io.stampede.coupon.domain.Coupon;
import io.stampede.coupon.port.CouponRepository;
import io.stampede.shared.IdempotencyKeys;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ApiException;
import io.stampede.shared.web.ErrorCode;
import io.stampede.shared.web.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Coupon campaigns (admin), claims (shoppers, idempotent) and a shopper's coupons. */
@RestController
class CouponController {
    private final CampaignService campaigns;
    private final CouponClaims claims;
    private final CouponRepository coupons;

    CouponController(CampaignService campaigns, CouponClaims claims, CouponRepository coupons) {
        this.campaigns = campaigns;
        this.claims = claims;
        this.coupons = coupons;
    }

    record CreateCampaign(
            String name, Long quantity, Integer perUserLimit, Instant startsAt, Instant endsAt, Long discountCents) {}

    record CampaignView(
            String id,
            String name,
            long quantity,
            int perUserLimit,
            Instant startsAt,
            Instant endsAt,
            long discountCents,
            long issued,
            long remaining) {
        static CampaignView of(CampaignService.CampaignWithCount c) {
            Campaign k = c.campaign();
            return new CampaignView(
                    k.id(),
                    k.name(),
                    k.quantity(),
                    k.perUserLimit(),
                    k.startsAt(),
                    k.endsAt(),
                    k.discountCents(),
                    c.issued(),
                    c.remaining());
        }
    }

    record CouponView(
            String couponId,
            String code,
            String campaignId,
            long discountCents,
            String status,
            @Nullable String orderId,
            Instant claimedAt) {
        static CouponView of(Coupon c) {
            return new CouponView(
                    c.id(),
                    c.code(),
                    c.campaignId(),
                    c.discountCents(),
                    c.status().name(),
                    c.orderId(),
                    c.claimedAt());
        }
    }

    @PostMapping("/api/admin/coupon-campaigns")
    ResponseEntity<CampaignView> create(@RequestBody CreateCampaign body) {
        return switch (campaigns.create(new CampaignRules.Draft(
                body.name(),
                body.quantity(),
                body.perUserLimit(),
                body.startsAt(),
                body.endsAt(),
                body.discountCents()))) {
            case CampaignService.Creation.Created c ->
                ResponseEntity.created(URI.create("/api/coupon-campaigns/"
                                + c.campaign().campaign().id()))
                        .body(CampaignView.of(c.campaign()));
            case CampaignService.Creation.Invalid i -> throw ApiException.validation(String.join("; ", i.violations()));
        };
    }

    @GetMapping("/api/coupon-campaigns")
    Map<String, List<CampaignView>> list() {
        return Map.of("items", campaigns.list().stream().map(CampaignView::of).toList());
    }

    @GetMapping("/api/coupon-campaigns/{id}")
    CampaignView get(@PathVariable String id) {
        return CampaignView.of(campaigns.get(id).orElseThrow(() -> ApiException.notFound("coupon campaign")));
    }

    @PostMapping("/api/coupon-campaigns/{id}/claims")
    ResponseEntity<?> claim(
            @PathVariable String id,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            HttpServletRequest request) {
        String userId = Shopper.userId(request);
        if (!IdempotencyKeys.isValid(key)) {
            throw ApiException.validation("header Idempotency-Key is required: 1..64 of [A-Za-z0-9_-]");
        }
        Campaign campaign = campaigns.definition(id).orElseThrow(() -> ApiException.notFound("coupon campaign"));
        // refusals are returned, not thrown, as for purchases: most answers of a popular campaign are SOLD_OUT
        return switch (claims.claim(campaign, userId, key)) {
            case ClaimOutcome.Claimed c ->
                ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create("/api/me/coupons"))
                        .body(CouponView.of(c.coupon()));
            case ClaimOutcome.SoldOut s ->
                ProblemWriter.refusal(request, ApiException.conflict(ErrorCode.SOLD_OUT, "all coupons are claimed"));
            case ClaimOutcome.LimitExceeded l ->
                ProblemWriter.refusal(
                        request,
                        ApiException.conflict(
                                ErrorCode.LIMIT_EXCEEDED,
                                "at most " + campaign.perUserLimit() + " coupon(s) of this campaign per user"));
            case ClaimOutcome.NotActive n ->
                ProblemWriter.refusal(
                        request,
                        ApiException.conflict(
                                ErrorCode.SALE_NOT_ACTIVE,
                                "the campaign runs from " + campaign.startsAt() + " to " + campaign.endsAt()));
            case ClaimOutcome.Unavailable u -> ProblemWriter.refusal(request, ApiException.unavailable(u.reason()));
        };
    }

    @GetMapping("/api/me/coupons")
    Map<String, List<CouponView>> mine(HttpServletRequest request) {
        return Map.of(
                "items",
                coupons.findByUser(Shopper.userId(request), 500).stream()
                        .map(CouponView::of)
                        .toList());
    }
}
