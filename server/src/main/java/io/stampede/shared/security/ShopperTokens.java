package io.stampede.shared.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/** Issues and verifies shopper tokens: HS256 JWTs whose {@code sub} is the user id and whose {@code exp} is required. */
@Component
public class ShopperTokens {
    /** User ids are short, printable and safe inside Redis field names. */
    public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.@:-]{1,64}");

    private final MACSigner signer;
    private final HmacSha256 verifier;
    private final Clock clock;

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

    /** The user id of a valid token, or empty for anything forged, expired, malformed or of another algorithm. */
    public Optional<String> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            // the signature is checked with a pooled Mac rather than by Nimbus's MACVerifier, which looks up and keys
            // a new Mac for every token (3% of a winning purchase's CPU in a profile); a critical header parameter,
            // which nothing here understands, is refused as MACVerifier refuses it
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
                    || jwt.getHeader().getCriticalParams() != null
                    || !verifier.verify(
                            jwt.getSigningInput(), jwt.getSignature().decode())) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            String sub = claims.getSubject();
            if (exp == null || !exp.toInstant().isAfter(clock.instant())) {
                return Optional.empty();
            }
            if (sub == null || !USER_ID.matcher(sub).matches()) {
                return Optional.empty();
            }
            return Optional.of(sub);
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A token and the instant it stops being accepted. */
    public record IssuedToken(String token, Instant expiresAt) {}
}
