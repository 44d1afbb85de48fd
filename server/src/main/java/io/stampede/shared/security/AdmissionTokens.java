package io.stampede.shared.security;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The tokens a waiting room hands a shopper whose place was reached: bound to the sale and the shopper, valid until
 * a set instant. Issued by the room, checked by the purchase path: both need only the key, never the room itself.
 */
@Component
public class AdmissionTokens {
    private final SignedTokens signer;
    private final Clock clock;

    public AdmissionTokens(Secrets secrets, Clock clock) {
        this.signer = new SignedTokens(secrets.jwtKey(), "stampede admission token");
        this.clock = clock;
    }

    /** What a presented token is worth for a purchase of a sale by a shopper. */
    public enum Check {
        VALID,
        /** Malformed, altered, or issued for another sale or shopper. */
        INVALID,
        EXPIRED
    }

    public String issue(String saleId, String userId, Instant expiresAt) {
        return signer.sign("admit", saleId, userId, Long.toString(expiresAt.toEpochMilli()));
    }

    public Check check(String token, String saleId, String userId) {
        Optional<List<String>> fields = signer.verify(token);
        if (fields.isEmpty()) {
            return Check.INVALID;
        }
        List<String> f = fields.get();
        if (f.size() != 4
                || !f.get(0).equals("admit")
                || !f.get(1).equals(saleId)
                || !f.get(2).equals(userId)) {
            return Check.INVALID;
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(f.get(3));
        } catch (NumberFormatException e) {
            return Check.INVALID;
        }
        return clock.millis() < expiresAt ? Check.VALID : Check.EXPIRED;
    }
}
