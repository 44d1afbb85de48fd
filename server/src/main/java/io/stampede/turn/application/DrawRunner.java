package io.stampede.turn.application;

import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.port.SaleStock;
import io.stampede.turn.port.DrawStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Makes each due draw once entries close, then gives entrants orders in draw order while units are available: the
 * first {@code stock} at the opening, the next ones as units come back from cancelled or expired orders. One
 * instance at a time works on a draw (a lease row in the database); every order goes through the sale's own
 * purchase path with the idempotency key {@code draw}, so a run cut short and repeated gives nobody a second order.
 */
@Component
public class DrawRunner {
    private static final Logger log = LoggerFactory.getLogger(DrawRunner.class);
    private static final Duration LEASE = Duration.ofSeconds(30);
    /** Orders placed at once: a batch of a few hundred shares the group commit of the order writer. */
    private static final int BATCH = 256;

    static final String IDEMPOTENCY_KEY = "draw";

    private final DrawStore store;
    private final Draws draws;
    private final SaleService sales;
    private final SaleStock stock;
    private final Purchases purchases;
    private final Clock clock;

    public DrawRunner(
            DrawStore store, Draws draws, SaleService sales, SaleStock stock, Purchases purchases, Clock clock) {
        this.store = store;
        this.draws = draws;
        this.sales = sales;
        this.stock = stock;
        this.purchases = purchases;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${stampede.draw.interval:1s}")
    public void run() {
        for (String saleId : store.due(clock.instant())) {
            Instant now = clock.instant();
            // whole milliseconds, which every database keeps exactly: the release names the lease it gives up
            Instant until = now.plus(LEASE).truncatedTo(ChronoUnit.MILLIS);
            if (!store.lease(saleId, now, until)) {
                continue; // another instance is on it
            }
            try {
                sales.definition(saleId).ifPresent(this::drawAndOffer);
            } catch (RuntimeException e) {
                log.warn("Draw of sale {} stopped and will be taken up again: {}", saleId, e.toString());
            } finally {
                store.release(saleId, until);
            }
        }
    }

    private void drawAndOffer(Sale sale) {
        DrawStore.Draw draw = store.find(sale.id()).orElseThrow();
        if (draw.entriesHash() == null) {
            // first the entry list's hash, then the seed: the list is fixed before anyone can know the draw order
            DrawStore.Closed closed = store.closeEntries(sale.id());
            log.info(
                    "Entries of draw {} closed: {} entries, list hash {} published",
                    sale.id(),
                    closed.entrants().size(),
                    closed.entriesHash());
        }
        if (draw.drawnAt() == null) {
            store.markDrawn(sale.id(), clock.instant());
            log.info("Draw of sale {} made for {} units: seed published", sale.id(), sale.totalStock());
            draw = store.find(sale.id()).orElseThrow();
        }
        List<String> order = draws.order(sale, draw).order();
        int next = draw.offered();
        while (next < order.size()) {
            long available = stock.figures(sale.id()).available();
            int batch = (int) Math.min(Math.min(available, BATCH), order.size() - next);
            if (batch <= 0) {
                break;
            }
            int settled = offer(sale, order.subList(next, next + batch));
            if (settled > 0) {
                next += settled;
                store.setOffered(sale.id(), next);
            }
            if (settled < batch) {
                break; // units ran out, or a backing service failed: the next run goes on from here
            }
        }
    }

    /**
     * Places one order for each entrant, at once, and answers how many at the head of the list are settled (given an
     * order, or passed over because they may not buy); the first unsettled one is tried again on the next run.
     */
    private int offer(Sale sale, List<String> entrants) {
        List<Future<PurchaseOutcome>> outcomes = new ArrayList<>(entrants.size());
        try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String userId : entrants) {
                outcomes.add(each.submit(() -> purchases.purchase(sale, userId, IDEMPOTENCY_KEY, 1)));
            }
        }
        int settled = 0;
        for (int i = 0; i < entrants.size(); i++) {
            Optional<PurchaseOutcome> outcome = result(outcomes.get(i));
            boolean done = outcome.isPresent()
                    && switch (outcome.get()) {
                        case PurchaseOutcome.Placed p -> {
                            store.setOrder(sale.id(), entrants.get(i), p.order().id());
                            yield true;
                        }
                        case PurchaseOutcome.Queued q -> {
                            store.setOrder(sale.id(), entrants.get(i), q.order().id());
                            yield true;
                        }
                        case PurchaseOutcome.LimitExceeded l -> true;
                        case PurchaseOutcome.Invalid v -> true;
                        default -> false;
                    };
            if (!done) {
                return settled;
            }
            settled++;
        }
        return settled;
    }

    private static Optional<PurchaseOutcome> result(Future<PurchaseOutcome> f) {
        try {
            return Optional.of(f.get());
        } catch (ExecutionException e) {
            log.warn("An order of a draw failed and will be tried again: {}", String.valueOf(e.getCause()));
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
