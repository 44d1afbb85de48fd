package io.stampede.sale.application;

import io.stampede.event.application.Events;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.port.PurchaseGate;
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
    private final PurchaseGate gate;
    private final GateRebuilder rebuilder;
    private final io.stampede.inventory.application.StockCounters counters;
    private final io.stampede.inventory.application.SoldOutFlags soldOut;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;
    /** Sale definitions for the purchase path; all but the total are immutable, and the path never reads it. */
    private final ConcurrentHashMap<String, Sale> definitions = new ConcurrentHashMap<>();

    public SaleService(SaleRepository sales, PurchaseGate gate, GateRebuilder rebuilder,
                       io.stampede.inventory.application.StockCounters counters,
                       io.stampede.inventory.application.SoldOutFlags soldOut, Outbox outbox,
                       TransactionTemplate tx, Clock clock) {
        this.counters = counters;
        this.soldOut = soldOut;
        this.sales = sales;
        this.outbox = outbox;
        this.tx = tx;
        this.gate = gate;
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

    public SaleWithStock get(String id) {
        if (!Ids.isWellFormed(id)) {
            throw ApiException.notFound("sale");
        }
        Sale sale = sales.find(id).orElseThrow(() -> ApiException.notFound("sale"));
        return new SaleWithStock(sale, sales.figures(id));
    }

    public List<SaleWithStock> list() {
        return sales.list(200).stream().map(s -> new SaleWithStock(s, sales.figures(s.id()))).toList();
    }

    /**
     * Adds units: the database first, then the gate, both under the sale's rebuild lease so that a rebuild can
     * neither miss the new units nor count them twice. A failure between the two undersells, never oversells.
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
        boolean done = !sale.strategy().usesGate() ? counters.restock(sale, quantity, record)
                : gate.underLease(id, java.time.Duration.ofSeconds(10), () -> {
                    tx.executeWithoutResult(status -> record.run());
                    gate.addStock(id, quantity);
                });
        if (!done) {
            throw ApiException.unavailable("the sale's gate is being rebuilt; retry the restock");
        }
        soldOut.clear(id);
        log.info("Sale {} restocked with {} units", id, quantity);
        return get(id);
    }
}
