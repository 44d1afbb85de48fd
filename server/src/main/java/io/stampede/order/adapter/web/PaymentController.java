package io.stampede.order.adapter.web;

import io.stampede.order.application.PaymentCallbackVerifier;
import io.stampede.order.application.PaymentService;
import io.stampede.order.port.OrderRepository;
import io.stampede.order.port.PaymentRepository;
import io.stampede.shared.web.ApiException;
import io.stampede.shared.web.ErrorCode;
import io.stampede.shared.web.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/payments/callback}: signed by the payment provider, idempotent per paymentId. */
@RestController
class PaymentController {
    private final PaymentCallbackVerifier verifier;
    private final PaymentService payments;
    private final OrderRepository orders;
    private final JsonMapper json;

    PaymentController(
            PaymentCallbackVerifier verifier, PaymentService payments, OrderRepository orders, JsonMapper json) {
        this.verifier = verifier;
        this.payments = payments;
        this.orders = orders;
        this.json = json;
    }

    record CallbackBody(String paymentId, String orderId, Long amountCents, String outcome) {}

    @PostMapping("/api/payments/callback")
    ResponseEntity<Object> callback(
            @RequestBody(required = false) byte[] raw,
            @RequestHeader(name = "X-Signature", required = false) String signature,
            HttpServletRequest request) {
        if (raw == null || !verifier.isAuthentic(raw, signature)) {
            throw ApiException.unauthenticated("X-Signature is not the HMAC-SHA256 of the body");
        }
        CallbackBody body;
        try {
            body = json.readValue(raw, CallbackBody.class);
        } catch (JacksonException e) {
            throw ApiException.validation("the callback body is not the expected JSON");
        }
        if (body == null || body.paymentId() == null || !body.paymentId().matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw ApiException.validation("paymentId must be 1..64 of [A-Za-z0-9_.:-]");
        }
        if (body.orderId() == null || !body.orderId().matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw ApiException.validation("orderId must be 1..64 of [A-Za-z0-9_.:-]");
        }
        if (body.amountCents() == null || body.amountCents() < 0) {
            throw ApiException.validation("amountCents must be a non-negative integer");
        }
        if (!"SUCCEEDED".equals(body.outcome()) && !"FAILED".equals(body.outcome())) {
            throw ApiException.validation("outcome must be SUCCEEDED or FAILED");
        }
        PaymentRepository.Answer answer = payments.handle(new PaymentService.Callback(
                body.paymentId(), body.orderId(), body.amountCents(), "SUCCEEDED".equals(body.outcome())));
        if (answer.status() == 200) {
            return ResponseEntity.ok(OrderView.of(orders.find(answer.orderId()).orElseThrow()));
        }
        return ProblemWriter.entity(
                new ApiException(
                        HttpStatus.valueOf(answer.status()),
                        ErrorCode.valueOf(Objects.requireNonNullElse(answer.code(), ErrorCode.INTERNAL.name())),
                        Objects.requireNonNullElse(answer.detail(), "payment not accepted")),
                request.getRequestURI());
    }
}
