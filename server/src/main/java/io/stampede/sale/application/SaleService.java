package io.stampede.sale.application;

import io.stampede.event.application.Events;
import io.stampede.event.port.Outbox;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.SaleEnded;
import io.stampede.sale.domain.SaleRules;
import io.stampede.sale.domain.StockFigures;
import io.stampede.sale.port.SaleRepository;
import io.stampede.sale.port.SaleStock;
import io.stampede.sale.port.SaleTurns;
import io.stampede.shared.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Creating, reading and restocking sales; their stock is the inventory module's, reached through {@link SaleStock}. */
@Service
public class SaleService {
    private static final Logger log = LoggerFactory.getLogger(SaleService.class);
    /** How long after its end a sale's per-instance state is kept: late answers of its window come meanwhile. */
    static final Duration ENDED_GRACE = Duration.ofMinutes(1);

    private final SaleRepository sales;
    private final SaleStock stock;
    private final SaleTurns turns;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    /** Sale definitions for the purchase path; all but the total are immutable, and the path never reads it. */
    private final ConcurrentHashMap<String, Sale> definitions = new ConcurrentHashMap<>();

    public SaleService(
            SaleRepository sales,
            SaleStock stock,
            SaleTurns turns,
            Outbox outbox,
            TransactionTemplate tx,
            Clock clock,
            ApplicationEventPublisher events) {
        this.sales = sales;
        this.stock = stock;
        this.turns = turns;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
    }

    /** A sale with its stock figures at one moment. */
    public record SaleWithStock(Sale sale, StockFigures stock, SaleTurns.Figures turns) {
        public SaleWithStock(Sale sale, StockFigures stock) {
            this(sale, stock, SaleTurns.Figures.NONE);
        }
    }

    /** What creating a sale came to. */
    public sealed interface Creation {
        record Created(SaleWithStock sale) implements Creation {}

        /** The draft breaks the contract's rules; nothing was created. */
        record Invalid(List<String> violations) implements Creation {}
    }

    /** What a restock came to. */
    public sealed interface Restock {
        record Restocked(SaleWithStock sale) implements Restock {}

        record NotFound() implements Restock {}

        /** The quantity breaks the rules; nothing was added. */
        record Invalid(String violation) implements Restock {}

        /** The sale's Redis counter is being rebuilt; nothing was added, retry. */
        record Busy(String reason) implements Restock {}
    }

    public Creation create(SaleRules.Draft draft) {
        List<String> violations = SaleRules.violations(draft);
        if (!violations.isEmpty()) {
            return new Creation.Invalid(violations);
        }
        Sale sale = SaleRules.create(Ids.newId(), draft, clock.instant());
        tx.executeWithoutResult(status -> {
            sales.insert(sale);
            stock.open(sale);
            turns.open(sale);
            outbox.append(Events.of(
                    "sale.created",
                    sale.createdAt(),
                    "saleId",
                    sale.id(),
                    "name",
                    sale.name(),
                    "sku",
                    sale.sku(),
                    "stock",
                    sale.totalStock(),
                    "priceCents",
                    sale.priceCents(),
                    "startsAt",
                    sale.startsAt().toString(),
                    "endsAt",
                    sale.endsAt().toString(),
                    "perUserLimit",
                    sale.perUserLimit(),
                    "strategy",
                    sale.strategy().name(),
                    "intake",
                    sale.intake().name(),
                    "access",
                    sale.access().name()));
        });
        definitions.put(sale.id(), sale);
        stock.opened(sale);
        log.info(
                "Sale {} created: {} units of {} from {} to {}, strategy {}, intake {}",
                sale.id(),
                sale.totalStock(),
                sale.sku(),
                sale.startsAt(),
                sale.endsAt(),
                sale.strategy(),
                sale.intake());
        return new Creation.Created(
                new SaleWithStock(sale, StockFigures.of(sale.totalStock(), 0, 0), turns.figures(sale)));
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
     * (see {@link SaleEnded}); a late request about one loads it again, and is forgotten again at the next pass.
     * Returns how many were forgotten.
     */
    @Scheduled(fixedDelayString = "${stampede.ended-sales.interval:60s}")
    public int forgetEnded() {
        Instant horizon = clock.instant().minus(ENDED_GRACE);
        int forgotten = 0;
        for (Sale sale : List.copyOf(definitions.values())) {
            if (sale.endsAt().isBefore(horizon)) {
                definitions.remove(sale.id(), sale);
                events.publishEvent(new SaleEnded(sale.id()));
                forgotten++;
            }
        }
        return forgotten;
    }

    /** The sale as it is now, with its figures; empty for an unknown or malformed id. */
    public Optional<SaleWithStock> get(String id) {
        if (!Ids.isWellFormed(id)) {
            return Optional.empty();
        }
        return sales.find(id).map(sale -> new SaleWithStock(sale, stock.figures(id), turns.figures(sale)));
    }

    /** The newest sales with their figures: two queries, however many sales and orders there are. */
    public List<SaleWithStock> list() {
        List<Sale> newest = sales.list(200);
        Map<String, StockFigures> figures =
                stock.figures(newest.stream().map(Sale::id).toList());
        List<SaleWithStock> listed = new ArrayList<>(newest.size());
        for (Sale sale : newest) {
            StockFigures stock = figures.get(sale.id());
            if (stock != null) {
                listed.add(new SaleWithStock(sale, stock, turns.figures(sale)));
            }
        }
        return listed;
    }

    /**
     * Adds units: the database first (the total and the stock in one transaction), then the sale's Redis counter,
     * both under its rebuild lease so that a rebuild can neither miss the new units nor count them twice. A failure
     * between the two undersells, never oversells.
     */
    public Restock restock(String id, @Nullable Long quantity) {
        Optional<Sale> found = get(id).map(SaleWithStock::sale);
        if (found.isEmpty()) {
            return new Restock.NotFound();
        }
        Sale sale = found.get();
        long units = quantity == null ? 0 : quantity; // a missing quantity is refused as out of range
        String violation = SaleRules.restockViolation(sale, units);
        if (violation != null) {
            return new Restock.Invalid(violation);
        }
        Runnable record = () -> {
            sales.addStock(id, units);
            outbox.append(Events.of("sale.restocked", clock.instant(), "saleId", id, "quantity", units));
        };
        if (!stock.restock(sale, units, record)) {
            return new Restock.Busy("the sale's gate is being rebuilt; retry the restock");
        }
        log.info("Sale {} restocked with {} units", id, units);
        return get(id).<Restock>map(Restock.Restocked::new).orElseGet(Restock.NotFound::new);
    }
}
