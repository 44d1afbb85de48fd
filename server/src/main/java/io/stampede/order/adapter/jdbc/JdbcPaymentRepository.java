package io.stampede.order.adapter.jdbc;

import io.stampede.order.port.PaymentRepository;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Payments and refunds in the relational database. */
@Repository
class JdbcPaymentRepository implements PaymentRepository {
    private final JdbcClient jdbc;

    JdbcPaymentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(String paymentId, String orderId, long amountCents, String outcome, Instant at) {
        jdbc.sql("INSERT INTO payments (payment_id, order_id, amount_cents, outcome, answer_status, received_at) "
                        + "VALUES (?,?,?,?,0,?)")
                .params(paymentId, orderId, amountCents, outcome, Timestamp.from(at))
                .update();
    }

    @Override
    public void answer(String paymentId, Answer a) {
        jdbc.sql("UPDATE payments SET answer_status = ?, answer_code = ?, answer_detail = ? WHERE payment_id = ?")
                .params(Arrays.asList(a.status(), a.code(), a.detail(), paymentId))
                .update(); // the codes may be null
    }

    @Override
    public Optional<Answer> answerOf(String paymentId) {
        return jdbc.sql("SELECT answer_status, answer_code, answer_detail, order_id FROM payments WHERE payment_id = ?")
                .param(paymentId)
                .query((rs, n) -> new Answer(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .optional();
    }

    @Override
    public Optional<String> paidBy(String orderId) {
        return jdbc.sql("SELECT payment_id FROM payments WHERE order_id = ? AND outcome = 'SUCCEEDED' "
                        + "AND answer_status = 200 ORDER BY received_at LIMIT 1")
                .param(orderId)
                .query(String.class)
                .optional();
    }

    @Override
    public void insertRefund(Refund r) {
        jdbc.sql(
                        "INSERT INTO refunds (id, payment_id, order_id, amount_cents, reason, created_at) VALUES (?,?,?,?,?,?)")
                .params(Arrays.asList(
                        r.id(), r.paymentId(), r.orderId(), r.amountCents(), r.reason(), Timestamp.from(r.createdAt())))
                .update();
    }

    @Override
    public List<Refund> refunds(int limit) {
        return jdbc.sql("SELECT id, payment_id, order_id, amount_cents, reason, created_at FROM refunds "
                        + "ORDER BY created_at DESC, id LIMIT ?")
                .param(limit)
                .query((rs, n) -> new Refund(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant()))
                .list();
    }
}
