package io.stampede.sale.application;

import io.stampede.event.application.Events;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleRules;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.port.SaleRepository;
import io.stampede.shared.ApiException;
import io.stampede.shared.Ids;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Creating, reading and restocking sales. */
@Service
public class SaleService {
    private static final Logger log = LoggerFactory.getLogger(SaleService.class);

    private final SaleRepository sales;
    private final GateRebuilder rebuilder;
    private final io.stampede.inventory.port.StockLedger ledger;
    private final io.stampede.inventory.application.StockCounters counters;
    private final io.stampede.inventory.application.SoldOutFlags soldOut;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;
    /** Sale definitions for the purchase path; all but the total are immutable, and the path never reads it. */
    private final ConcurrentHashMap<String, Sale> definitions = new ConcurrentHashMap<>();
    /** How long after its end a sale's per-instance state is kept: late answers of its window come meanwhile. */
    static final java.time.Duration ENDED_GRACE = java.time.Duration.ofMinutes(1);
    private final org.springframework.context.ApplicationEventPublisher events;

    public SaleService(SaleRepository sales, io.stampede.inventory.port.StockLedger ledger, GateRebuilder rebuilder,
                       io.stampede.inventory.application.StockCounters counters,
                       io.stampede.inventory.application.SoldOutFlags soldOut, Outbox outbox,
                       TransactionTemplate tx, Clock clock,
                       org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.counters = counters;
        this.soldOut = soldOut;
        this.sales = sales;
        this.outbox = outbox;
        this.tx = tx;
        this.ledger = ledger;
        this.rebuilder = rebuilder;
        this.clock = clock;
    }

    /** A sale with its stock figures at one moment. */
    public record SaleWithStock(Sale sale, StockFigures stock) {
    }

    public SaleWithStock create(SaleRules.Draft draft) {
        List<String> violations = new java.util.ArrayList<>(SaleRules.violations(draft));
        if (!violations.isEmpty()) {
            throw ApiException.validation(String.join("; ", violations));
        }
        Sale sale = SaleRules.create(Ids.newId(), draft, clock.instant());
        tx.executeWithoutResult(status -> {
            sales.insert(sale);
            counters.open(sale);
            outbox.append(Events.of("sale.created", sale.createdAt(), "saleId", sale.id(), "name", sale.name(),
                    "sku", sale.sku(), "stock", sale.totalStock(), "priceCents", sale.priceCents(),
                    "startsAt", sale.startsAt().toString(), "endsAt", sale.endsAt().toString(),
                    "perUserLimit", sale.perUserLimit(), "strategy", sale.strategy().name(), "intake", sale.intake().name()));
        });
        definitions.put(sale.id(), sale);
        if (sale.strategy().usesGate()) {
            rebuilder.rebuild(sale);
        } else {
            counters.afterOpen(sale);
        }
        log.info("Sale {} created: {} units of {} from {} to {}, strategy {}, intake {}", sale.id(), sale.totalStock(),
                sale.sku(), sale.startsAt(), sale.endsAt(), sale.strategy(), sale.intake());
        return new SaleWithStock(sale, StockFigures.of(sale.totalStock(), 0, 0));
    }

    /** The sale definition for the purchase path, from memory after the first read. */
    public Optional<Sale> definition(String id) {
        if (!Ids.isWellFormed(id)) {
            return Optional.empty();
        }
        Sale known = definitions.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Sale> loaded = sales.find(id);
        loaded.ifPresent(s -> definitions.put(id, s));
        return loaded;
    }

    /**
     * Forgets the definitions of sales that ended more than a minute ago and tells every holder of per-sale state
     * (see {@link io.stampede.sale.domain.SaleEnded}); a late request about one loads it again, and is forgotten again
     * at the next pass. Returns how many were forgotten.
     */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "${stampede.ended-sales.interval:60s}")
    public int forgetEnded() {
        java.time.Instant horizon = clock.instant().minus(ENDED_GRACE);
        int forgotten = 0;
        for (Sale sale : List.copyOf(definitions.values())) {
            if (sale.endsAt().isBefore(horizon)) {
                definitions.remove(sale.id(), sale);
                events.publishEvent(new io.stampede.sale.domain.SaleEnded(sale.id()));
                forgotten++;
            }
        }
        return forgotten;
    }

    public SaleWithStock get(String id) {
        if (!Ids.isWellFormed(id)) {
            throw ApiException.notFound("sale");
        }
        Sale sale = sales.find(id).orElseThrow(() -> ApiException.notFound("sale"));
        return new SaleWithStock(sale, ledger.figures(id));
    }

    /** The newest sales with their figures: two queries, however many sales and orders there are. */
    public List<SaleWithStock> list() {
        List<Sale> newest = sales.list(200);
        java.util.Map<String, StockFigures> figures = ledger.figures(newest.stream().map(Sale::id).toList());
        return newest.stream().filter(s -> figures.containsKey(s.id()))
                .map(s -> new SaleWithStock(s, figures.get(s.id()))).toList();
    }

    /**
     * Adds units: the database first (the total and the stock ledger in one transaction), then the sale's Redis
     * counter, both under its rebuild lease so that a rebuild can neither miss the new units nor count them twice. A
     * failure between the two undersells, never oversells.
     */
    public SaleWithStock restock(String id, Long quantity) {
        Sale sale = get(id).sale();
        String violation = SaleRules.restockViolation(sale, quantity);
        if (violation != null) {
            throw ApiException.validation(violation);
        }
        Runnable record = () -> {
            sales.addStock(id, quantity);
            outbox.append(Events.of("sale.restocked", clock.instant(), "saleId", id, "quantity", quantity));
        };
        boolean done = counters.restock(sale, quantity, record);
        if (!done) {
            throw ApiException.unavailable("the sale's gate is being rebuilt; retry the restock");
        }
        soldOut.clear(id);
        log.info("Sale {} restocked with {} units", id, quantity);
        return get(id);
    }
}
