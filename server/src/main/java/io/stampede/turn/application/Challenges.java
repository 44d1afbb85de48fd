package io.stampede.turn.application;

import io.stampede.sale.domain.Sale;
import io.stampede.shared.security.Secrets;
import io.stampede.shared.security.SignedTokens;
import io.stampede.turn.domain.ProofOfWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * The proof-of-work challenges of a sale: stateless (signed, bound to the shopper and the sale, valid five minutes),
 * so any instance checks what another handed out, with one HMAC and one SHA-256.
 */
@Service
public class Challenges {
    static final Duration VALID_FOR = Duration.ofMinutes(5);

    private final SignedTokens signer;
    private final Clock clock;

    public Challenges(Secrets secrets, Clock clock) {
        this.signer = new SignedTokens(secrets.jwtKey(), "stampede proof-of-work challenge");
        this.clock = clock;
    }

    /** A challenge and the difficulty its answer must meet. */
    public record Challenge(String challenge, int difficulty, Instant expiresAt) {}

    public Challenge issue(Sale sale, String userId) {
        Instant expiresAt = clock.instant().plus(VALID_FOR);
        String challenge = signer.sign("pow", sale.id(), userId, Long.toString(expiresAt.toEpochMilli()));
        return new Challenge(challenge, sale.turns().proofOfWork(), expiresAt);
    }

    /** Why the answer does not let the shopper in, or empty when it does (or the sale asks for none). */
    public Optional<String> refusal(Sale sale, String userId, @Nullable String challenge, @Nullable String nonce) {
        int difficulty = sale.turns().proofOfWork();
        if (difficulty == 0) {
            return Optional.empty();
        }
        if (challenge == null || nonce == null) {
            return Optional.of("this sale asks for a proof of work: GET /api/sales/" + sale.id()
                    + "/challenge, then send challenge and nonce");
        }
        Optional<List<String>> fields = signer.verify(challenge);
        if (fields.isEmpty()
                || fields.get().size() != 4
                || !fields.get().get(0).equals("pow")
                || !fields.get().get(1).equals(sale.id())
                || !fields.get().get(2).equals(userId)) {
            return Optional.of("the challenge was not issued to you for this sale");
        }
        if (clock.millis() >= Long.parseLong(fields.get().get(3))) {
            return Optional.of("the challenge expired: ask for a new one");
        }
        if (!ProofOfWork.solves(challenge, nonce, difficulty)) {
            return Optional.of("the nonce does not solve the challenge at difficulty " + difficulty);
        }
        return Optional.empty();
    }
}
