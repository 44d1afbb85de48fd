package io.stampede.order.adapter.web;

import io.stampede.order.application.OrderLifecycle;
import io.stampede.order.application.QueuedPurchases;
import io.stampede.order.domain.Order;
import io.stampede.order.domain.Transition;
import io.stampede.order.port.OrderRepository;
import io.stampede.order.port.PaymentRepository;
import io.stampede.shared.Ids;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ApiException;
import io.stampede.shared.web.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Orders: a shopper's own (another user's order is answered exactly like a missing one) and the admin's actions. */
@RestController
class OrderController {
    private static final int MAX_LISTED = 500;

    private final OrderRepository orders;
    private final PaymentRepository payments;
    private final OrderLifecycle lifecycle;
    private final QueuedPurchases queued;

    OrderController(
            OrderRepository orders, PaymentRepository payments, OrderLifecycle lifecycle, QueuedPurchases queued) {
        this.queued = queued;
        this.orders = orders;
        this.payments = payments;
        this.lifecycle = lifecycle;
    }

    @GetMapping("/api/orders/{id}")
    OrderView get(@PathVariable String id, HttpServletRequest request) {
        String userId = Shopper.userId(request);
        if (!Ids.isWellFormed(id)) {
            throw ApiException.notFound("order");
        }
        Optional<Order> written;
        try {
            written = orders.find(id);
        } catch (RuntimeException databaseDown) {
            // an accepted QUEUED order can be shown from its record while the database is away
            return unwritten(id, userId).map(OrderView::of).orElseThrow(() -> databaseDown);
        }
        return written.or(() -> unwritten(id, userId))
                .filter(o -> o.userId().equals(userId))
                .map(OrderView::of)
                .orElseThrow(() -> ApiException.notFound("order"));
    }

    /** An accepted QUEUED order of this user that the consumer has not written yet. */
    private Optional<Order> unwritten(String id, String userId) {
        try {
            return queued.unwritten(id).filter(o -> o.userId().equals(userId));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @GetMapping("/api/me/orders")
    Map<String, List<OrderView>> mine(HttpServletRequest request) {
        return Map.of(
                "items",
                orders.findByUser(Shopper.userId(request), MAX_LISTED).stream()
                        .map(OrderView::of)
                        .toList());
    }

    @PostMapping("/api/orders/{id}/cancel")
    OrderView cancel(@PathVariable String id, HttpServletRequest request) {
        String userId = Shopper.userId(request);
        Transition t = lifecycle.cancel(id, userId);
        if (t instanceof Transition.NotFound && unwritten(id, userId).isPresent()) {
            throw ApiException.conflict(
                    ErrorCode.INVALID_STATE, "the order is accepted and still being written; retry the cancel shortly");
        }
        return answer(t, "cancelled");
    }

    @PostMapping("/api/admin/orders/{id}/fulfil")
    OrderView fulfil(@PathVariable String id) {
        return answer(lifecycle.fulfil(id), "fulfilled");
    }

    @PostMapping("/api/admin/orders/{id}/refund")
    OrderView refund(@PathVariable String id) {
        return answer(lifecycle.refund(id), "refunded");
    }

    record RefundView(
            String id, @Nullable String paymentId, String orderId, long amountCents, String reason, String createdAt) {}

    @GetMapping("/api/admin/refunds")
    Map<String, List<RefundView>> refunds() {
        return Map.of(
                "items",
                payments.refunds(MAX_LISTED).stream()
                        .map(r -> new RefundView(
                                r.id(),
                                r.paymentId(),
                                r.orderId(),
                                r.amountCents(),
                                r.reason(),
                                r.createdAt().toString()))
                        .toList());
    }

    private static OrderView answer(Transition t, String verb) {
        return switch (t) {
            case Transition.Done d -> OrderView.of(d.order());
            case Transition.NotFound n -> throw ApiException.notFound("order");
            case Transition.InvalidState s ->
                throw ApiException.conflict(
                        ErrorCode.INVALID_STATE, "an order that is " + s.current() + " cannot be " + verb);
        };
    }
}
