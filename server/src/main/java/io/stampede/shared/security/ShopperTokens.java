package io.stampede.shared.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stampede.shared.InputRules;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Issues and verifies shopper tokens: HS256 JWTs whose {@code sub} is the user id and whose {@code exp} is required. */
@Component
public class ShopperTokens {
    private static final Base64.Decoder URL = Base64.getUrlDecoder();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MACSigner signer;
    private final HmacSha256 verifier;
    private final Clock clock;

    /**
     * What a shopper's id may be: 1..64 of {@code [A-Za-z0-9_.@:-]}, short, printable and safe inside Redis field
     * names.
     */
    public static boolean isValidUserId(String userId) {
        return InputRules.isAsciiWord(userId, 1, 64, "_.@:-");
    }

    public ShopperTokens(Secrets secrets, Clock clock) {
        try {
            this.signer = new MACSigner(secrets.jwtKey());
            this.verifier = new HmacSha256(new SecretKeySpec(secrets.jwtKey(), "HmacSHA256"));
        } catch (JOSEException e) {
            throw new IllegalStateException("shopper token key rejected: " + e.getMessage());
        }
        this.clock = clock;
    }

    /** A signed token for the user, valid for the given time. */
    public IssuedToken issue(String userId, Duration validFor) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(validFor);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign shopper token", e);
        }
        return new IssuedToken(jwt.serialize(), expiresAt);
    }

    /**
     * The user id of a valid token, or empty for anything forged, expired, malformed or of another algorithm.
     *
     * <p>Read by hand rather than by Nimbus: its parse (every part decoded, both JSON objects read into maps by its
     * shaded Gson, a header and a claims object built) was a tenth of a purchase's CPU. The signature is checked first,
     * over the token's first two parts as sent, so nothing the key did not sign is ever parsed; then the header must
     * say HS256 and carry no critical parameter (as Nimbus's verifier requires), and the claims need a numeric
     * {@code exp} in the future and a {@code sub} that is a user id.
     */
    public Optional<String> verify(@Nullable String token) {
        if (token == null) {
            return Optional.empty();
        }
        int headerEnd = token.indexOf('.');
        int payloadEnd = headerEnd < 0 ? -1 : token.indexOf('.', headerEnd + 1);
        if (headerEnd <= 0 || payloadEnd <= headerEnd + 1 || token.indexOf('.', payloadEnd + 1) >= 0) {
            return Optional.empty();
        }
        try {
            byte[] signature = URL.decode(token.substring(payloadEnd + 1));
            if (!verifier.verify(token.substring(0, payloadEnd).getBytes(StandardCharsets.US_ASCII), signature)) {
                return Optional.empty();
            }
            JsonNode header = JSON.readTree(URL.decode(token.substring(0, headerEnd)));
            if (!header.isObject()
                    || !header.path("alg").isString()
                    || !"HS256".equals(header.path("alg").stringValue())
                    || header.has("crit")) {
                return Optional.empty();
            }
            JsonNode claims = JSON.readTree(URL.decode(token.substring(headerEnd + 1, payloadEnd)));
            JsonNode exp = claims.path("exp");
            JsonNode sub = claims.path("sub");
            if (!claims.isObject() || !exp.isNumber() || !sub.isString()) {
                return Optional.empty();
            }
            // JWT times are seconds; Nimbus read a fractional one by its whole seconds, as this does
            if (exp.asLong() <= clock.millis() / 1000) {
                return Optional.empty();
            }
            String userId = sub.asString();
            return isValidUserId(userId) ? Optional.of(userId) : Optional.empty();
        } catch (IllegalArgumentException | JacksonException e) { // not base64url, not JSON
            return Optional.empty();
        }
    }

    /** A token and the instant it stops being accepted. */
    public record IssuedToken(String token, Instant expiresAt) {}
}
