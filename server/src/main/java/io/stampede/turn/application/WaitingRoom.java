package io.stampede.turn.application;

import io.stampede.sale.domain.Access;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleRules;
import io.stampede.sale.domain.Turns;
import io.stampede.sale.port.SaleRepository;
import io.stampede.shared.security.AdmissionTokens;
import io.stampede.turn.port.RoomStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * A sale's waiting room (docs/fair-drops.md): shoppers join, get a place (shuffled if they came before the admission
 * start, in order after), and are let through at the operator's rate with a signed admission token.
 */
@Service
public class WaitingRoom {
    private static final Logger log = LoggerFactory.getLogger(WaitingRoom.class);

    private final RoomStore store;
    private final SaleRepository sales;
    private final AdmissionTokens tokens;
    private final Challenges challenges;
    private final Clock clock;
    private final ShuffleScores scores;

    public WaitingRoom(
            RoomStore store,
            SaleRepository sales,
            AdmissionTokens tokens,
            Challenges challenges,
            Clock clock,
            @Value("${stampede.turns.random-seed:#{null}}") @Nullable Long seed) {
        this.store = store;
        this.sales = sales;
        this.tokens = tokens;
        this.challenges = challenges;
        this.clock = clock;
        // a fixed seed only for tests that check the shuffle (the same shoppers then get the same places, in
        // whatever order they come); otherwise nobody can predict a place
        this.scores = ShuffleScores.of(seed);
    }

    /** Where a shopper stands. */
    public enum State {
        WAITING,
        ADMITTED,
        EXPIRED
    }

    /** A shopper's place as the contract shows it; see docs/fair-drops.md for each member. */
    public record Status(
            String saleId,
            String userId,
            State state,
            Instant joinedAt,
            boolean randomized,
            @Nullable Long place,
            @Nullable Long ahead,
            @Nullable Duration estimatedWait,
            long admitted,
            long waiting,
            int admitPerSecond,
            Instant admissionStartsAt,
            @Nullable String admissionToken,
            @Nullable Instant admissionExpiresAt) {}

    /** What a join came to. */
    public sealed interface Joining {
        record Joined(Status status, boolean created) implements Joining {}

        record NotOpen(String reason) implements Joining {}

        record NoRoom() implements Joining {}

        record ChallengeFailed(String reason) implements Joining {}
    }

    public Joining join(Sale sale, String userId, @Nullable String challenge, @Nullable String nonce) {
        if (sale.access() != Access.WAITING_ROOM) {
            return new Joining.NoRoom();
        }
        Turns.Room room = Objects.requireNonNull(sale.turns().room());
        Instant now = clock.instant();
        if (now.isBefore(room.opensAt()) || !now.isBefore(sale.endsAt())) {
            return new Joining.NotOpen("the waiting room is open from " + room.opensAt() + " to " + sale.endsAt());
        }
        Optional<String> refusal = challenges.refusal(sale, userId, challenge, nonce);
        if (refusal.isPresent()) {
            return new Joining.ChallengeFailed(refusal.get());
        }
        RoomStore.Place place = store.join(sale, userId, now, scores.next(userId));
        return new Joining.Joined(status(sale, userId, place, now), place.created());
    }

    /** The shopper's place, with the admission token once it has been reached; empty when not joined. */
    public Optional<Status> status(Sale sale, String userId) {
        if (sale.access() != Access.WAITING_ROOM) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return store.status(sale, userId, now).map(p -> status(sale, userId, p, now));
    }

    /** Changes the rate from now on, for every instance; empty when the sale has no room. */
    public Optional<RoomStore.Figures> setRate(Sale sale, int admitPerSecond) {
        if (sale.access() != Access.WAITING_ROOM) {
            return Optional.empty();
        }
        RoomStore.Figures figures = store.setRate(sale, admitPerSecond, clock.instant());
        sales.setAdmitPerSecond(sale.id(), admitPerSecond); // what a room rebuilt after a Redis loss starts from
        log.info("Waiting room of sale {} now lets {} shoppers through per second", sale.id(), admitPerSecond);
        return Optional.of(figures);
    }

    /** Whether a rate is one the contract allows. */
    public static boolean isValidRate(@Nullable Integer admitPerSecond) {
        return admitPerSecond != null && admitPerSecond >= 1 && admitPerSecond <= SaleRules.MAX_ADMIT_PER_SECOND;
    }

    public RoomStore.Figures figures(Sale sale) {
        return store.figures(sale, clock.instant());
    }

    private Status status(Sale sale, String userId, RoomStore.Place p, Instant now) {
        Turns.Room room = Objects.requireNonNull(sale.turns().room());
        Instant admissionStartsAt = sale.turns().admissionStartsAt(sale);
        boolean drawn = !p.randomized() || !now.isBefore(admissionStartsAt);
        State state = State.WAITING;
        String token = null;
        Instant expiresAt = null;
        if (p.admittedAt() != null) {
            expiresAt = p.admittedAt().plus(room.admissionTtl());
            if (now.isBefore(expiresAt)) {
                state = State.ADMITTED;
                token = tokens.issue(sale.id(), userId, expiresAt);
            } else {
                state = State.EXPIRED;
                expiresAt = null;
            }
        }
        Long ahead = drawn ? Math.max(0, p.rank() - p.admitted()) : null;
        Duration wait =
                ahead == null ? null : Duration.ofSeconds((ahead + p.admitPerSecond() - 1) / p.admitPerSecond());
        return new Status(
                sale.id(),
                userId,
                state,
                p.joinedAt(),
                p.randomized(),
                drawn ? p.rank() + 1 : null,
                ahead,
                wait,
                p.admitted(),
                Math.max(0, p.size() - p.admitted()),
                p.admitPerSecond(),
                admissionStartsAt,
                token,
                expiresAt);
    }
}
