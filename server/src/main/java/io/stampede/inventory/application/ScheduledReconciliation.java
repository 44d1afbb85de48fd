package io.stampede.inventory.application;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.port.SaleRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Reconciles every sale that has not ended on a schedule. A gate can drift without going missing (a Redis restored
 * from an old snapshot, a failover to a lagging replica, a reservation whose order was never written because the
 * process died): drift seen in two passes in a row, with the same value, is taken as real and the gate is rebuilt
 * from the database. A drift seen once may be purchases in flight and is only noted. A sale is checked every
 * {@code stampede.reconciliation.interval}, or every half of its payment timeout when that is shorter, so that a
 * unit held by a reservation whose order was never written comes back within the time an unpaid order would have
 * held it.
 *
 * <p>Each pass publishes what it saw as {@code stampede.gate.drift{sale}}: the gate's available units minus the
 * database's (0 when consistent); the gauge of a sale goes when the sale ends, or while its gate is missing.
 */
@Component
public class ScheduledReconciliation {
    private static final Logger log = LoggerFactory.getLogger(ScheduledReconciliation.class);

    private final SaleRepository sales;
    private final Reconciliation reconciliation;
    private final Clock clock;
    private final Map<String, Long> driftSeen = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastChecked = new ConcurrentHashMap<>();
    private final Duration interval;
    private final MeterRegistry meters;
    private final Map<String, Drift> drifts = new ConcurrentHashMap<>();

    /** The gauge of one sale's drift and the value it reads. */
    private record Drift(AtomicLong units, Gauge gauge) {}

    public ScheduledReconciliation(
            SaleRepository sales,
            Reconciliation reconciliation,
            Clock clock,
            InventorySettings settings,
            MeterRegistry meters) {
        this.sales = sales;
        this.reconciliation = reconciliation;
        this.clock = clock;
        this.interval = settings.reconciliation().interval();
        this.meters = meters;
    }

    @Scheduled(
            fixedDelayString = "${stampede.reconciliation.tick:5s}",
            initialDelayString = "${stampede.reconciliation.tick:5s}")
    public void run() {
        try {
            Instant now = clock.instant();
            List<Sale> open = sales.openOrUpcoming(now);
            Set<String> openIds = Set.copyOf(open.stream().map(Sale::id).toList());
            lastChecked.keySet().retainAll(openIds); // ended sales are done with
            List.copyOf(drifts.keySet()).stream()
                    .filter(id -> !openIds.contains(id))
                    .forEach(this::forgetDrift);
            for (Sale sale : open) {
                Instant last = lastChecked.putIfAbsent(sale.id(), now);
                if (last != null && isDue(last, now, interval, sale.paymentTimeout())) {
                    lastChecked.put(sale.id(), now);
                    check(sale);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Scheduled reconciliation failed (retrying next time): {}", e.getMessage());
        }
    }

    /**
     * Whether a sale checked last at {@code last} is due again: after the interval, or half the payment timeout
     * when that is shorter (two passes confirm a drift, so a ghost reservation is gone within the timeout).
     */
    static boolean isDue(Instant last, Instant now, Duration interval, Duration paymentTimeout) {
        Duration every = paymentTimeout.dividedBy(2).compareTo(interval) < 0 ? paymentTimeout.dividedBy(2) : interval;
        return !now.isBefore(last.plus(every));
    }

    /** One pass over one sale; returns true when it rebuilt the gate. */
    public boolean check(Sale sale) {
        // accepted QUEUED orders waiting to be written are held by the gate and not in the database yet: no drift
        Reconciliation.Report report = reconciliation.report(sale);
        recordDrift(sale.id(), report.cacheAvailable() == null ? null : report.drift());
        if (report.consistent()) {
            driftSeen.remove(sale.id());
            return false;
        }
        if (report.cacheAvailable() == null) {
            return false; // a missing gate is rebuilt by the next purchase, or by the release repair pass
        }
        long drift = (report.drift() * 1_000_003L + report.usersDisagreeing()) * 1_009L + report.ledgerDisagreeing();
        Long before = driftSeen.put(sale.id(), drift);
        if (before == null || before != drift) {
            return false;
        }
        log.warn(
                "Sale {}: the gate drifted from the database by {} unit(s) and {} user count(s), and the stock "
                        + "ledger from the orders in {} figure(s); rebuilding",
                sale.id(),
                report.drift(),
                report.usersDisagreeing(),
                report.ledgerDisagreeing());
        Reconciliation.Report after = reconciliation.rebuild(sale);
        recordDrift(sale.id(), after.cacheAvailable() == null ? null : after.drift());
        driftSeen.remove(sale.id());
        return true;
    }

    private void recordDrift(String saleId, @Nullable Long units) {
        if (units == null) {
            forgetDrift(saleId); // no gate to compare: no figure rather than a stale one
            return;
        }
        drifts.computeIfAbsent(saleId, id -> {
                    AtomicLong value = new AtomicLong();
                    Gauge gauge = Gauge.builder("stampede.gate.drift", value, AtomicLong::get)
                            .description("a sale's gate available units minus the database's, at its last "
                                    + "scheduled reconciliation")
                            .tag("sale", id)
                            .register(meters);
                    return new Drift(value, gauge);
                })
                .units()
                .set(units);
    }

    private void forgetDrift(String saleId) {
        Drift gone = drifts.remove(saleId);
        if (gone != null) {
            meters.remove(gone.gauge());
        }
    }
}
