package io.stampede.order.application;

import io.stampede.order.domain.Order;
import io.stampede.order.domain.OrderStatus;
import io.stampede.order.domain.Transition;
import io.stampede.order.port.OrderRepository;
import io.stampede.order.port.PaymentRepository;
import io.stampede.order.port.PaymentRepository.Answer;
import io.stampede.shared.Ids;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Verified payment callbacks. Each paymentId is processed once: the payment row is inserted first in the same
 * transaction as its effect, so a duplicate (even in parallel) waits on the first and then gets its stored answer.
 * A success for an order that is no longer payable never resurrects it: it is answered 409 and owed back.
 */
@Service
public class PaymentService {
    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    /** A callback as the provider sent it, already verified and validated. */
    public record Callback(String paymentId, String orderId, long amountCents, boolean succeeded) {}

    private final OrderRepository orders;
    private final PaymentRepository payments;
    private final OrderLifecycle lifecycle;
    private final TransactionTemplate tx;
    private final Clock clock;

    public PaymentService(
            OrderRepository orders,
            PaymentRepository payments,
            OrderLifecycle lifecycle,
            TransactionTemplate tx,
            Clock clock) {
        this.orders = orders;
        this.payments = payments;
        this.lifecycle = lifecycle;
        this.tx = tx;
        this.clock = clock;
    }

    public Answer handle(Callback callback) {
        try {
            return tx.execute(s -> process(callback));
        } catch (DuplicateKeyException e) {
            return payments.answerOf(callback.paymentId())
                    .orElseThrow(() -> new IllegalStateException("payment " + callback.paymentId() + " vanished"));
        }
    }

    private Answer process(Callback cb) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        payments.insert(cb.paymentId(), cb.orderId(), cb.amountCents(), cb.succeeded() ? "SUCCEEDED" : "FAILED", now);
        Optional<Order> found = Ids.isWellFormed(cb.orderId()) ? orders.lock(cb.orderId()) : Optional.empty();
        Answer answer;
        if (found.isEmpty()) {
            answer = new Answer(404, "NOT_FOUND", "order not found", cb.orderId());
        } else if (found.get().amountCents() != cb.amountCents()) {
            answer = new Answer(
                    422,
                    "AMOUNT_MISMATCH",
                    "the order is " + found.get().amountCents() + " cents, the payment " + cb.amountCents(),
                    cb.orderId());
        } else if (!cb.succeeded()) {
            answer = new Answer(200, null, null, cb.orderId()); // the shopper may try again before the deadline
        } else {
            answer = pay(found.get(), cb, now);
        }
        payments.answer(cb.paymentId(), answer);
        return answer;
    }

    private Answer pay(Order order, Callback cb, Instant now) {
        if (order.status() == OrderStatus.PENDING_PAYMENT && now.isBefore(order.expiresAt())) {
            Transition t = lifecycle.change(
                    order, EnumSet.of(OrderStatus.PENDING_PAYMENT), OrderStatus.PAID, now, cb.paymentId());
            if (t instanceof Transition.Done) {
                log.info("Order {} paid by payment {}", order.id(), cb.paymentId());
                return new Answer(200, null, null, order.id());
            }
        }
        String reason = order.status() == OrderStatus.PAID || order.status() == OrderStatus.FULFILLED
                ? "DUPLICATE_PAYMENT"
                : "LATE_PAYMENT";
        payments.insertRefund(
                new PaymentRepository.Refund(Ids.newId(), cb.paymentId(), order.id(), cb.amountCents(), reason, now));
        log.info(
                "Payment {} for order {} ({}) recorded for refund: {}",
                cb.paymentId(),
                order.id(),
                order.status(),
                reason);
        return new Answer(
                409,
                "INVALID_STATE",
                "the order is " + order.status() + " and can no longer be paid; "
                        + "the payment is recorded for refund",
                order.id());
    }
}
