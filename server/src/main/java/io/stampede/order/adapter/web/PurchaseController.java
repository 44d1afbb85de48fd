package io.stampede.order.adapter.web;

import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.coupon.domain.Coupon;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.domain.PurchaseRules;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Access;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.shared.IdempotencyKeys;
import io.stampede.shared.security.AdmissionTokens;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ApiException;
import io.stampede.shared.web.ErrorCode;
import io.stampede.shared.web.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/sales/{id}/purchases}: the hot path. */
@RestController
class PurchaseController {
    private final SaleService sales;
    private final Purchases purchases;
    private final CouponRedemptions coupons;
    private final AdmissionTokens admissions;
    private final OrderRepository orders;

    PurchaseController(
            SaleService sales,
            Purchases purchases,
            CouponRedemptions coupons,
            AdmissionTokens admissions,
            OrderRepository orders) {
        this.sales = sales;
        this.purchases = purchases;
        this.coupons = coupons;
        this.admissions = admissions;
        this.orders = orders;
    }

    record PurchaseRequest(Integer quantity, String couponCode) {}

    @PostMapping("/api/sales/{id}/purchases")
    ResponseEntity<?> purchase(
            @PathVariable String id,
            @RequestHeader(name = "Idempotency-Key", required = false) String key,
            @RequestHeader(name = "Admission-Token", required = false) @Nullable String admissionToken,
            @RequestBody PurchaseRequest body,
            HttpServletRequest request) {
        String userId = Shopper.userId(request);
        if (!IdempotencyKeys.isValid(key)) {
            throw ApiException.validation("header Idempotency-Key is required: 1..64 of [A-Za-z0-9_-]");
        }
        if (!PurchaseRules.isValidQuantity(body.quantity())) {
            throw ApiException.validation("quantity must be 1.." + PurchaseRules.MAX_QUANTITY);
        }
        Sale sale = sales.definition(id).orElseThrow(() -> ApiException.notFound("sale"));
        if (sale.access() != Access.OPEN) {
            ResponseEntity<?> refused = turnRefusal(sale, userId, key, admissionToken, request);
            if (refused != null) {
                return refused;
            }
        }
        @Nullable
        Coupon coupon = body.couponCode() == null
                ? null
                : switch (coupons.check(body.couponCode(), userId)) {
                    case CouponRedemptions.Check.Usable u -> u.coupon();
                    case CouponRedemptions.Check.NotYours n ->
                        throw ApiException.validation("couponCode is not a coupon you claimed");
                    case CouponRedemptions.Check.AlreadyUsed a ->
                        throw ApiException.conflict(
                                ErrorCode.INVALID_STATE, "the coupon is already used by another order");
                };
        PurchaseOutcome outcome = purchases.purchase(sale, userId, key, body.quantity(), coupon);
        // refusals are returned, not thrown: in a flash sale most answers are SOLD_OUT, and a thrown exception
        // costs a reflective wrapper with a full stack trace on every one of them
        return switch (outcome) {
            case PurchaseOutcome.Placed p ->
                ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create("/api/orders/" + p.order().id()))
                        .body(OrderView.of(p.order()));
            case PurchaseOutcome.Queued q ->
                ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create("/api/orders/" + q.order().id()))
                        .body(OrderView.of(q.order()));
            case PurchaseOutcome.SoldOut s ->
                ProblemWriter.refusal(request, ApiException.conflict(ErrorCode.SOLD_OUT, "the sale is sold out"));
            case PurchaseOutcome.LimitExceeded l ->
                ProblemWriter.refusal(
                        request,
                        ApiException.conflict(
                                ErrorCode.LIMIT_EXCEEDED,
                                "this would pass the per-user limit of " + sale.perUserLimit()));
            case PurchaseOutcome.NotActive n ->
                ProblemWriter.refusal(
                        request,
                        ApiException.conflict(
                                ErrorCode.SALE_NOT_ACTIVE,
                                "the sale runs from " + sale.startsAt() + " to " + sale.endsAt()));
            case PurchaseOutcome.CouponUsed c ->
                ProblemWriter.refusal(
                        request,
                        ApiException.conflict(ErrorCode.INVALID_STATE, "the coupon is already used by another order"));
            case PurchaseOutcome.Invalid i -> throw ApiException.validation(i.reason());
            case PurchaseOutcome.Unavailable u -> ProblemWriter.refusal(request, ApiException.unavailable(u.reason()));
        };
    }

    /**
     * Why a purchase of a sale with a waiting room or a draw is refused, or null when its admission token lets it
     * through. A replay of an order placed while the token was valid is answered as always.
     */
    private @Nullable ResponseEntity<?> turnRefusal(
            Sale sale, String userId, String key, @Nullable String token, HttpServletRequest request) {
        if (sale.access() == Access.DRAW) {
            return ProblemWriter.refusal(
                    request,
                    ApiException.conflict(
                            ErrorCode.DRAW_ONLY,
                            "this sale's orders are made by its draw: enter at POST /api/sales/" + sale.id()
                                    + "/entries"));
        }
        if (token == null || token.isEmpty()) {
            return ProblemWriter.refusal(
                    request,
                    ApiException.forbidden(
                            ErrorCode.ADMISSION_REQUIRED,
                            "this sale has a waiting room: join at POST /api/sales/" + sale.id()
                                    + "/room and send its admissionToken in the header Admission-Token"));
        }
        return switch (admissions.check(token, sale.id(), userId)) {
            case VALID -> null;
            case INVALID ->
                ProblemWriter.refusal(
                        request,
                        ApiException.forbidden(
                                ErrorCode.ADMISSION_INVALID,
                                "the Admission-Token was not issued to you for this sale"));
            case EXPIRED ->
                orders.findByKey(sale.id(), userId, key)
                        .<ResponseEntity<?>>map(order -> ResponseEntity.status(
                                        sale.intake() == Intake.QUEUED ? HttpStatus.ACCEPTED : HttpStatus.CREATED)
                                .location(URI.create("/api/orders/" + order.id()))
                                .body(OrderView.of(order)))
                        .orElseGet(() -> ProblemWriter.refusal(
                                request,
                                ApiException.forbidden(
                                        ErrorCode.ADMISSION_EXPIRED,
                                        "your admission expired: join the waiting room again")));
        };
    }
}
