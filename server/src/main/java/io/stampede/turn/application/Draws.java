package io.stampede.turn.application;

import io.stampede.sale.domain.Access;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleEnded;
import io.stampede.sale.domain.Turns;
import io.stampede.sale.port.SaleTurns;
import io.stampede.turn.domain.DrawOrder;
import io.stampede.turn.port.DrawStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * A sale's draw (docs/fair-drops.md): it commits to a secret seed when the sale is created, takes one entry per
 * shopper until the opening, and then publishes the entry list's hash, the seed and the draw order, which anyone
 * can recompute. {@link DrawRunner} makes the draw and gives the winners their orders.
 */
@Service
public class Draws {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DrawStore store;
    private final Challenges challenges;
    private final Clock clock;
    /** Each drawn sale's draw order and ranks: fixed once entries close, so computed once per instance. */
    private final Map<String, Drawn> drawn = new ConcurrentHashMap<>();
    /** Entry counts for views, at most a second old: a storefront's poll must not count every entry. */
    private final Map<String, Counted> counts = new ConcurrentHashMap<>();

    public Draws(DrawStore store, Challenges challenges, Clock clock) {
        this.store = store;
        this.challenges = challenges;
        this.clock = clock;
    }

    /** The draw order of a drawn sale, with each entrant's 0-based rank. */
    record Drawn(List<String> order, Map<String, Integer> ranks) {}

    private record Counted(long entries, long atMillis) {}

    /** Where a draw stands. */
    public enum State {
        SCHEDULED,
        ENTRIES_OPEN,
        /** Entries closed; the draw is being made. */
        CLOSED,
        DRAWN
    }

    /** Where a shopper's entry stands. */
    public enum EntryState {
        ENTERED,
        WON,
        WAITING_LIST,
        NOT_WON
    }

    /** A shopper's entry as the contract shows it. */
    public record EntryStatus(
            String saleId,
            String userId,
            Instant enteredAt,
            EntryState state,
            @Nullable Integer rank,
            @Nullable String orderId) {}

    /** What an entry came to. */
    public sealed interface Entering {
        record Entered(EntryStatus entry, boolean created) implements Entering {}

        record NotOpen(String reason) implements Entering {}

        record NoDraw() implements Entering {}

        record ChallengeFailed(String reason) implements Entering {}
    }

    /** The published record of a draw: what anyone needs to recompute it, and the winners so far. */
    public record Published(
            String saleId,
            State state,
            Instant entriesOpenAt,
            Instant entriesCloseAt,
            long entries,
            long units,
            String seedHash,
            @Nullable String entriesHash,
            @Nullable String seed,
            @Nullable Instant drawnAt,
            List<String> winners) {}

    /** Commits a new draw sale to its seed; called inside the transaction that creates the sale. */
    void open(Sale sale) {
        if (sale.access() != Access.DRAW) {
            return;
        }
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        String hex = HexFormat.of().formatHex(seed);
        store.create(sale.id(), hex, DrawOrder.seedHash(hex));
    }

    public Entering enter(Sale sale, String userId, @Nullable String challenge, @Nullable String nonce) {
        if (sale.access() != Access.DRAW) {
            return new Entering.NoDraw();
        }
        Instant now = clock.instant();
        Instant opens = Objects.requireNonNull(sale.turns().draw()).entriesOpenAt();
        if (now.isBefore(opens) || !now.isBefore(sale.startsAt())) {
            return new Entering.NotOpen("entries are taken from " + opens + " until " + sale.startsAt());
        }
        Optional<String> refusal = challenges.refusal(sale, userId, challenge, nonce);
        if (refusal.isPresent()) {
            return new Entering.ChallengeFailed(refusal.get());
        }
        Optional<DrawStore.Entry> entry = store.enter(sale.id(), userId, now);
        if (entry.isEmpty()) { // this instance's clock is behind the one that closed the list
            return new Entering.NotOpen("entries closed at " + sale.startsAt());
        }
        return new Entering.Entered(
                status(sale, entry.get(), store.find(sale.id()).orElseThrow()),
                entry.get().created());
    }

    /** The shopper's entry; empty without one (or for a sale that is no draw). */
    public Optional<EntryStatus> entry(Sale sale, String userId) {
        if (sale.access() != Access.DRAW) {
            return Optional.empty();
        }
        return store.entry(sale.id(), userId)
                .map(e -> status(sale, e, store.find(sale.id()).orElseThrow()));
    }

    public Optional<Published> record(Sale sale) {
        if (sale.access() != Access.DRAW) {
            return Optional.empty();
        }
        DrawStore.Draw d = store.find(sale.id()).orElseThrow();
        Turns.Draw plan = Objects.requireNonNull(sale.turns().draw());
        List<String> order = d.drawnAt() == null ? List.of() : order(sale, d).order();
        List<String> winners = order.subList(0, Math.min(d.offered(), order.size()));
        return Optional.of(new Published(
                sale.id(),
                state(sale, d),
                plan.entriesOpenAt(),
                sale.startsAt(),
                d.entries() != null ? d.entries() : entries(sale.id()),
                sale.totalStock(),
                d.seedHash(),
                d.entriesHash(),
                d.drawnAt() == null ? null : d.seed(),
                d.drawnAt(),
                winners));
    }

    /** The entry list's bytes once entries closed and its hash is published; empty before, or for no draw. */
    public Optional<byte[]> entryList(Sale sale) {
        if (sale.access() != Access.DRAW
                || store.find(sale.id()).map(DrawStore.Draw::entriesHash).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(DrawOrder.entryList(store.entrants(sale.id())));
    }

    /** The figures a sale view shows. */
    SaleTurns.Draw figures(Sale sale) {
        DrawStore.Draw d = store.find(sale.id()).orElseThrow();
        return new SaleTurns.Draw(
                state(sale, d).name(),
                d.entries() != null ? d.entries() : entries(sale.id()),
                d.seedHash(),
                d.entriesHash(),
                d.drawnAt() == null ? null : d.seed(),
                d.drawnAt());
    }

    /** The draw order, computed once per instance from the seed and the closed entry list. */
    Drawn order(Sale sale, DrawStore.Draw d) {
        return drawn.computeIfAbsent(sale.id(), id -> {
            List<String> order = DrawOrder.order(d.seed(), store.entrants(id));
            Map<String, Integer> ranks = new HashMap<>(order.size() * 2);
            for (int i = 0; i < order.size(); i++) {
                ranks.put(order.get(i), i);
            }
            return new Drawn(order, ranks);
        });
    }

    @EventListener
    void forget(SaleEnded ended) {
        drawn.remove(ended.saleId());
        counts.remove(ended.saleId());
    }

    private long entries(String saleId) {
        long now = clock.millis();
        Counted c = counts.get(saleId);
        if (c == null || now - c.atMillis() >= 1000) {
            c = new Counted(store.countEntries(saleId), now);
            counts.put(saleId, c);
        }
        return c.entries();
    }

    private State state(Sale sale, DrawStore.Draw d) {
        Instant now = clock.instant();
        if (d.drawnAt() != null) {
            return State.DRAWN;
        }
        if (d.entriesHash() != null) {
            return State.CLOSED; // the list is closed, whatever this instance's clock says
        }
        if (now.isBefore(Objects.requireNonNull(sale.turns().draw()).entriesOpenAt())) {
            return State.SCHEDULED;
        }
        return now.isBefore(sale.startsAt()) ? State.ENTRIES_OPEN : State.CLOSED;
    }

    private EntryStatus status(Sale sale, DrawStore.Entry e, DrawStore.Draw d) {
        if (d.drawnAt() == null) {
            return new EntryStatus(sale.id(), e.userId(), e.enteredAt(), EntryState.ENTERED, null, null);
        }
        Integer rank = order(sale, d).ranks().get(e.userId());
        EntryState state;
        if (e.orderId() != null) {
            state = EntryState.WON;
        } else if (!clock.instant().isBefore(sale.endsAt())) {
            state = EntryState.NOT_WON;
        } else if (rank != null && rank >= d.offered() && rank < sale.totalStock()) {
            // drawn among the units, its order not placed yet: a winner must never be shown the waiting list
            state = EntryState.ENTERED;
        } else {
            state = EntryState.WAITING_LIST;
        }
        return new EntryStatus(
                sale.id(), e.userId(), e.enteredAt(), state, rank == null ? null : rank + 1, e.orderId());
    }
}
