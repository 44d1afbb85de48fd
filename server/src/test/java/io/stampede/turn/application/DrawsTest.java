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

    private List<String> drawNow() {
        clock.set(sale.startsAt());
        List<String> entrants = store.entrants(sale.id());
        store.markDrawn(
                sale.id(), DrawOrder.sha256Hex(DrawOrder.entryList(entrants)), entrants.size(), clock.instant());
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
        public Entry enter(String saleId, String userId, Instant at) {
            Map<String, Entry> of = entries.computeIfAbsent(saleId, k -> new HashMap<>());
            Entry earlier = of.get(userId);
            if (earlier != null) {
                return new Entry(userId, earlier.enteredAt(), earlier.orderId(), false);
            }
            Entry e = new Entry(userId, at, null, true);
            of.put(userId, e);
            return e;
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
        public void release(String saleId) {}

        @Override
        public void markDrawn(String saleId, String entriesHash, long count, Instant at) {
            Draw d = draws.get(saleId);
            draws.put(saleId, new Draw(saleId, d.seed(), d.seedHash(), entriesHash, count, at, d.offered()));
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
