package io.stampede.order.adapter.web;

import io.stampede.order.application.PaymentCallbackVerifier;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.shared.Ids;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.security.Shopper;
import io.stampede.shared.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/demo/payments}: the demo payment provider, on only with demo login. It writes the callback a
 * provider would send for the shopper's order, signs it with the payment secret and hands it to the real callback
 * endpoint's code, so the storefront's "pay" goes through the same verification and payment service.
 */
@RestController
class DemoPaymentController {
    private final boolean enabled;
    private final OrderRepository orders;
    private final PaymentCallbackVerifier verifier;
    private final PaymentController callbacks;
    private final JsonMapper json;

    DemoPaymentController(
            SharedSettings settings,
            OrderRepository orders,
            PaymentCallbackVerifier verifier,
            PaymentController callbacks,
            JsonMapper json) {
        this.enabled = settings.demoLogin();
        this.orders = orders;
        this.verifier = verifier;
        this.callbacks = callbacks;
        this.json = json;
    }

    record DemoPayment(String orderId, String outcome) {}

    @PostMapping("/api/demo/payments")
    ResponseEntity<Object> pay(@RequestBody DemoPayment body, HttpServletRequest request) {
        if (!enabled) {
            throw ApiException.notFound("demo payments (demo login is off)");
        }
        if (!"SUCCEEDED".equals(body.outcome()) && !"FAILED".equals(body.outcome())) {
            throw ApiException.validation("outcome must be SUCCEEDED or FAILED");
        }
        String userId = Shopper.userId(request);
        Order order = (body.orderId() == null || !Ids.isWellFormed(body.orderId())
                ? null
                : orders.find(body.orderId())
                        .filter(o -> o.userId().equals(userId))
                        .orElse(null));
        if (order == null) {
            throw ApiException.notFound("order");
        }
        Map<String, Object> callback = new LinkedHashMap<>();
        callback.put("paymentId", "demo-" + Ids.newId());
        callback.put("orderId", order.id());
        callback.put("amountCents", order.amountCents());
        callback.put("outcome", body.outcome());
        byte[] raw = json.writeValueAsBytes(callback);
        return callbacks.callback(raw, HexFormat.of().formatHex(verifier.sign(raw)), request);
    }
}
