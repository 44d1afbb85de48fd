package io.stampede.shared.security;

import io.stampede.shared.SharedSettings;
import io.stampede.shared.web.ApiException;
import java.time.Duration;
import java.time.Instant;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Demo login: hands out a shopper token for any user id, only when {@code STAMPEDE_DEMO_LOGIN=true}. */
@RestController
public class SessionController {
    private static final Duration VALIDITY = Duration.ofHours(12);

    private final boolean enabled;
    private final ShopperTokens tokens;

    public SessionController(SharedSettings properties, ShopperTokens tokens) {
        this.enabled = properties.demoLogin();
        this.tokens = tokens;
    }

    @PostMapping("/api/session")
    SessionView login(@RequestBody SessionRequest body) {
        if (!enabled) {
            throw ApiException.notFound("demo login");
        }
        if (!ShopperTokens.isValidUserId(body.userId())) {
            throw ApiException.validation("userId must be 1..64 of [A-Za-z0-9_.@:-]");
        }
        ShopperTokens.IssuedToken issued = tokens.issue(body.userId(), VALIDITY);
        return new SessionView(issued.token(), issued.expiresAt());
    }

    record SessionRequest(String userId) {}

    record SessionView(String token, Instant expiresAt) {}
}
