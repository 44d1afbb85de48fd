package io.stampede.order.application;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The wire form of a {@link QueuedOrder} (message body and record text): JSON with instants as epoch millis. */
@Component
public class QueuedOrderCodec {
    private static final int VERSION = 1;
    private final JsonMapper json = JsonMapper.builder().build();

    /** A body that is not a queued order: it goes to the dead letters, it is never retried. */
    public static final class Unreadable extends RuntimeException {
        public Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    public String write(QueuedOrder o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", VERSION);
        m.put("id", o.id());
        m.put("saleId", o.saleId());
        m.put("userId", o.userId());
        m.put("idempotencyKey", o.idempotencyKey());
        m.put("quantity", o.quantity());
        m.put("amountCents", o.amountCents());
        m.put("createdAt", o.createdAt().toEpochMilli());
        m.put("expiresAt", o.expiresAt().toEpochMilli());
        m.put("couponId", o.couponId());
        m.put("gateEpoch", o.gateEpoch());
        return json.writeValueAsString(m);
    }

    public QueuedOrder read(String text) {
        try {
            JsonNode n = json.readTree(text);
            if (n == null
                    || n.path("v").asInt() != VERSION
                    || n.path("id").asString("").isEmpty()
                    || n.path("saleId").asString("").isEmpty()
                    || n.path("userId").asString("").isEmpty()
                    || n.path("idempotencyKey").asString("").isEmpty()
                    || n.path("quantity").asInt() <= 0
                    || !n.path("createdAt").isNumber()
                    || !n.path("expiresAt").isNumber()) {
                throw new Unreadable("not a queued order (version " + VERSION + ")");
            }
            JsonNode coupon = n.path("couponId");
            return new QueuedOrder(
                    n.path("id").asString(),
                    n.path("saleId").asString(),
                    n.path("userId").asString(),
                    n.path("idempotencyKey").asString(),
                    n.path("quantity").asInt(),
                    n.path("amountCents").asLong(),
                    Instant.ofEpochMilli(n.path("createdAt").asLong()),
                    Instant.ofEpochMilli(n.path("expiresAt").asLong()),
                    coupon.isNull() || coupon.isMissingNode() ? null : coupon.asString(),
                    n.path("gateEpoch").asLong());
        } catch (Unreadable e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Unreadable("unreadable queued order: " + e.getMessage());
        }
    }
}
