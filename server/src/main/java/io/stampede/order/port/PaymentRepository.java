package io.stampede.order.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Payment callbacks as received, with the answer each got, and the refunds owed. */
public interface PaymentRepository {
    /** The answer a payment got: an HTTP status, an error code (null on 200) and the order it is about. */
    record Answer(
            int status, @Nullable String code, @Nullable String detail, String orderId) {}

    record Refund(
            String id,
            @Nullable String paymentId,
            String orderId,
            long amountCents,
            String reason,
            Instant createdAt) {}

    /** Records a new payment; fails with DuplicateKeyException when its id was seen before. In the caller's tx. */
    void insert(String paymentId, String orderId, long amountCents, String outcome, Instant at);

    void answer(String paymentId, Answer answer);

    Optional<Answer> answerOf(String paymentId);

    /** The id of the payment that paid the order, if any. */
    Optional<String> paidBy(String orderId);

    void insertRefund(Refund refund);

    /** Newest first. */
    List<Refund> refunds(int limit);
}
