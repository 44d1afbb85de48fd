package io.stampede.inventory.application;

import io.stampede.sale.domain.Sale;
import io.stampede.sale.port.SaleRepository;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Reconciles every sale that has not ended on a schedule. A gate can drift without going missing (a Redis restored
 * from an old snapshot, a failover to a lagging replica, a reservation whose order was never written because the
 * process died): drift seen in two passes in a row, with the same value, is taken as real and the gate is rebuilt
 * from the database. A drift seen once may be purchases in flight and is only noted.
 */
@Component
public class ScheduledReconciliation {
    private static final Logger log = LoggerFactory.getLogger(ScheduledReconciliation.class);

    private final SaleRepository sales;
    private final Reconciliation reconciliation;
    private final Clock clock;
    private final Map<String, Long> driftSeen = new ConcurrentHashMap<>();

    public ScheduledReconciliation(SaleRepository sales, Reconciliation reconciliation,
                                   Clock clock) {
        this.sales = sales;
        this.reconciliation = reconciliation;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${stampede.reconciliation.interval:30s}",
            initialDelayString = "${stampede.reconciliation.interval:30s}")
    public void run() {
        try {
            for (Sale sale : sales.openOrUpcoming(clock.instant())) {
                check(sale);
            }
        } catch (RuntimeException e) {
            log.warn("Scheduled reconciliation failed (retrying next time): {}", e.getMessage());
        }
    }

    /** One pass over one sale; returns true when it rebuilt the gate. */
    public boolean check(Sale sale) {
        // accepted QUEUED orders waiting to be written are held by the gate and not in the database yet: no drift
        Reconciliation.Report report = reconciliation.report(sale);
        if (report.consistent()) {
            driftSeen.remove(sale.id());
            return false;
        }
        if (report.cacheAvailable() == null) {
            return false; // a missing gate is rebuilt by the next purchase, or by the release repair pass
        }
        long drift = report.drift() * 1_000_003L + report.usersDisagreeing();
        Long before = driftSeen.put(sale.id(), drift);
        if (before == null || before != drift) {
            return false;
        }
        log.warn("Sale {}: the gate drifted from the database by {} unit(s) and {} user count(s); rebuilding it",
                sale.id(), report.drift(), report.usersDisagreeing());
        reconciliation.rebuild(sale);
        driftSeen.remove(sale.id());
        return true;
    }
}
