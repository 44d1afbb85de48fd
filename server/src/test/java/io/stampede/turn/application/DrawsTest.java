package io.stampede.turn.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.sale.domain.Access;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.Turns;
import io.stampede.shared.SharedSettings;
import io.stampede.shared.security.Secrets;
import io.stampede.testsupport.MutableClock;
import io.stampede.testsupport.Offers;
import io.stampede.turn.domain.DrawOrder;
import io.stampede.turn.port.DrawStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an entry shows between the draw and its orders: the draw is published first and the winners' orders are placed
 * after it, so a winner whose order is not placed yet must not be told it is on the waiting list.
 */
class DrawsTest {
    private static final int UNITS = 3;

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock();
    private final MemoryDrawStore store = new MemoryDrawStore();
    private Draws draws;
    private Sale sale;

    @BeforeEach
    void setUp() {
        Secrets secrets = new Secrets(new SharedSettings(
                dataDir, "admin", "a jwt secret of at least thirty-two bytes", "pay", false, null, null));
        draws = new Draws(store, new Challenges(secrets, clock), clock);
        Instant startsAt = clock.instant().plusSeconds(60);
        Sale open = Offers.sale()
                .stock(UNITS)
                .window(startsAt, startsAt.plus(Duration.ofHours(1)))
                .definition("draw-sale");
        sale = new Sale(
                open.id(),
                open.name(),
                open.sku(),
                open.priceCents(),
                open.startsAt(),
                open.endsAt(),
                open.perUserLimit(),
                open.paymentTimeout(),
                open.strategy(),
                open.intake(),
                open.gateSegments(),
                open.totalStock(),
                open.createdAt(),
                new Turns(Access.DRAW, null, new Turns.Draw(clock.instant().minusSeconds(10)), 0));
        draws.open(sale);
        for (int i = 0; i < 6; i++) {
            assertThat(draws.enter(sale, "u" + i, null, null)).isInstanceOf(Draws.Entering.Entered.class);
        }
    }

    @Test
    void aWinnerWhoseOrderIsNotPlacedYetIsStillEnteredNeverOnTheWaitingList() {
        List<String> order = drawNow();

        for (int rank = 0; rank < order.size(); rank++) {
            Draws.EntryStatus e = draws.entry(sale, order.get(rank)).orElseThrow();
            assertThat(e.rank()).isEqualTo(rank + 1);
            assertThat(e.state())
                    .as("rank %d of %d units, nothing offered yet", rank + 1, UNITS)
                    .isEqualTo(rank < UNITS ? Draws.EntryState.ENTERED : Draws.EntryState.WAITING_LIST);
        }
    }

    @Test
    void onceTheUnitsAreOfferedWinnersHaveWonAndThoseBehindWait() {
        List<String> order = drawNow();
        for (int rank = 0; rank < UNITS; rank++) {
            store.setOrder(sale.id(), order.get(rank), "order-" + rank);
        }
        store.setOffered(sale.id(), UNITS);

        for (int rank = 0; rank < order.size(); rank++) {
            Draws.EntryStatus e = draws.entry(sale, order.get(rank)).orElseThrow();
            assertThat(e.state()).isEqualTo(rank < UNITS ? Draws.EntryState.WON : Draws.EntryState.WAITING_LIST);
            assertThat(e.orderId()).isEqualTo(rank < UNITS ? "order-" + rank : null);
        }
    }

    @Test
    void anEntrantPassedOverWithoutAnOrderWaitsAndNobodyWithoutAnOrderHasWonWhenTheSaleEnds() {
        List<String> order = drawNow();
        store.setOrder(sale.id(), order.get(1), "order-1");
        store.setOffered(sale.id(), 2); // the first was passed over (over its limit elsewhere)

        assertThat(draws.entry(sale, order.get(0)).orElseThrow().state()).isEqualTo(Draws.EntryState.WAITING_LIST);
        assertThat(draws.entry(sale, order.get(2)).orElseThrow().state()).isEqualTo(Draws.EntryState.ENTERED);

        clock.set(sale.endsAt());
        assertThat(draws.entry(sale, order.get(1)).orElseThrow().state()).isEqualTo(Draws.EntryState.WON);
        for (String user : List.of(order.get(0), order.get(2), order.get(5))) {
            assertThat(draws.entry(sale, user).orElseThrow().state()).isEqualTo(Draws.EntryState.NOT_WON);
        }
    }

    @Test
    void anEntryAfterTheListClosedIsRefusedWhateverThisInstancesClockSays() {
        store.closeEntries(sale.id()); // by an instance whose clock is ahead of this one's

        assertThat(clock.instant()).isBefore(sale.startsAt());
        assertThat(draws.enter(sale, "late", null, null)).isInstanceOf(Draws.Entering.NotOpen.class);
        assertThat(draws.entry(sale, "late")).isEmpty();
        assertThat(draws.entryList(sale)).as("the closed list is published").isPresent();
    }

    @Test
    void theListIsNotPublishedBeforeItClosesEvenPastTheOpening() {
        clock.set(sale.startsAt().plusSeconds(1));
        assertThat(draws.entryList(sale)).isEmpty();
        assertThat(draws.record(sale).orElseThrow().seed()).isNull();

        store.closeEntries(sale.id());
        Draws.Published closed = draws.record(sale).orElseThrow();
        assertThat(closed.state()).isEqualTo(Draws.State.CLOSED);
        assertThat(closed.entriesHash()).as("the list's hash comes first").isNotNull();
        assertThat(closed.seed()).as("the seed only after it").isNull();
    }

    private List<String> drawNow() {
        clock.set(sale.startsAt());
        store.closeEntries(sale.id());
        store.markDrawn(sale.id(), clock.instant());
        DrawStore.Draw d = store.find(sale.id()).orElseThrow();
        return draws.order(sale, d).order();
    }

    /** The database's draw tables, for one process. */
    private static final class MemoryDrawStore implements DrawStore {
        private final Map<String, Draw> draws = new HashMap<>();
        private final Map<String, Map<String, Entry>> entries = new HashMap<>();

        @Override
        public void create(String saleId, String seed, String seedHash) {
            draws.put(saleId, new Draw(saleId, seed, seedHash, null, null, null, 0));
        }

        @Override
        public Optional<Draw> find(String saleId) {
            return Optional.ofNullable(draws.get(saleId));
        }

        @Override
        public Optional<Entry> enter(String saleId, String userId, Instant at) {
            if (draws.get(saleId).entriesHash() != null) {
                return Optional.empty();
            }
            Map<String, Entry> of = entries.computeIfAbsent(saleId, k -> new HashMap<>());
            Entry earlier = of.get(userId);
            if (earlier != null) {
                return Optional.of(new Entry(userId, earlier.enteredAt(), earlier.orderId(), false));
            }
            Entry e = new Entry(userId, at, null, true);
            of.put(userId, e);
            return Optional.of(e);
        }

        @Override
        public Optional<Entry> entry(String saleId, String userId) {
            return Optional.ofNullable(entries.getOrDefault(saleId, Map.of()).get(userId));
        }

        @Override
        public long countEntries(String saleId) {
            return entries.getOrDefault(saleId, Map.of()).size();
        }

        @Override
        public List<String> entrants(String saleId) {
            return new ArrayList<>(entries.getOrDefault(saleId, Map.of()).keySet());
        }

        @Override
        public List<String> due(Instant now) {
            return List.of();
        }

        @Override
        public boolean lease(String saleId, Instant now, Instant until) {
            return true;
        }

        @Override
        public void release(String saleId, Instant until) {}

        @Override
        public Closed closeEntries(String saleId) {
            List<String> entrants = entrants(saleId);
            String hash = DrawOrder.sha256Hex(DrawOrder.entryList(entrants));
            Draw d = draws.get(saleId);
            draws.put(
                    saleId,
                    new Draw(saleId, d.seed(), d.seedHash(), hash, (long) entrants.size(), d.drawnAt(), d.offered()));
            return new Closed(hash, entrants);
        }

        @Override
        public void markDrawn(String saleId, Instant at) {
            Draw d = draws.get(saleId);
            draws.put(saleId, new Draw(saleId, d.seed(), d.seedHash(), d.entriesHash(), d.entries(), at, d.offered()));
        }

        @Override
        public void setOffered(String saleId, int offered) {
            Draw d = draws.get(saleId);
            draws.put(
                    saleId,
                    new Draw(saleId, d.seed(), d.seedHash(), d.entriesHash(), d.entries(), d.drawnAt(), offered));
        }

        @Override
        public void setOrder(String saleId, String userId, String orderId) {
            Entry e = entries.get(saleId).get(userId);
            entries.get(saleId).put(userId, new Entry(userId, e.enteredAt(), orderId, false));
        }
    }
}
