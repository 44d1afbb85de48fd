package io.stampede.shared.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short opaque tokens that carry a few fields and an HMAC-SHA256 over them: {@code base64url(fields).base64url(mac)}.
 * Each purpose has its own key, derived from one secret, so a token of one kind never passes as another.
 */
public final class SignedTokens {
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
    private static final String SEPARATOR = "\n"; // no field may contain it: ids, user ids and numbers never do

    private final HmacSha256 key;

    /** A signer for one purpose: its key is HMAC-SHA256(secret, purpose). */
    public SignedTokens(byte[] secret, String purpose) {
        byte[] derived =
                new HmacSha256(new SecretKeySpec(secret, "HmacSHA256")).mac(purpose.getBytes(StandardCharsets.UTF_8));
        this.key = new HmacSha256(new SecretKeySpec(derived, "HmacSHA256"));
    }

    public String sign(String... fields) {
        String payload = String.join(SEPARATOR, fields);
        return ENCODE.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + ENCODE.encodeToString(key.mac(payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** The fields of a token this signer made, or empty for anything else (malformed, foreign or altered). */
    public Optional<List<String>> verify(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0 || token.length() > 1024) {
            return Optional.empty();
        }
        try {
            String payload = new String(DECODE.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            byte[] mac = DECODE.decode(token.substring(dot + 1));
            if (!key.verify(payload.getBytes(StandardCharsets.UTF_8), mac)) {
                return Optional.empty();
            }
            return Optional.of(List.of(payload.split(SEPARATOR, -1)));
        } catch (IllegalArgumentException e) { // not base64url
            return Optional.empty();
        }
    }
}
