package io.stampede.order.application;

import io.stampede.shared.security.Secrets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/** Checks {@code X-Signature}: the hex HMAC-SHA256 of the raw callback body, compared in constant time. */
@Component
public class PaymentCallbackVerifier {
    private final SecretKeySpec key;

    public PaymentCallbackVerifier(Secrets secrets) {
        this.key = new SecretKeySpec(secrets.paymentKey(), "HmacSHA256");
    }

    public boolean isAuthentic(byte[] body, String signatureHex) {
        if (signatureHex == null || signatureHex.length() != 64) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signatureHex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sign(body), given);
    }

    /** The signature a payment provider sends for the body. */
    public byte[] sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
