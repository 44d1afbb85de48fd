package io.stampede.inventory.application;

import io.stampede.sale.domain.Sale;
import io.stampede.sale.port.SaleRepository;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * At start-up, builds the gate of every sale that has not ended and whose gate is missing (an embedded Redis
 * starts empty; a shared one may have been flushed). Until it has, health answers DOWN: no purchases yet.
 */
@Component("purchases")
public class GateWarmup implements HealthIndicator {
    private static final Logger log = LoggerFactory.getLogger(GateWarmup.class);

    private final SaleRepository sales;
    private final GateRebuilder rebuilder;
    private final StockCounters counters;
    private final Clock clock;
    private volatile boolean ready;

    public GateWarmup(SaleRepository sales, GateRebuilder rebuilder, StockCounters counters, Clock clock) {
        this.sales = sales;
        this.counters = counters;
        this.rebuilder = rebuilder;
        this.clock = clock;
    }

    /** Builds the missing gates; called once the context is up, before the service reports ready. */
    public void warmUp() {
        int built = 0;
        for (Sale sale : sales.openOrUpcoming(clock.instant())) {
            try {
                if (sale.strategy().usesGate()) {
                    rebuilder.ensureBuilt(sale);
                } else {
                    counters.ensureBuilt(sale);
                }
                built++;
            } catch (RuntimeException e) {
                log.warn(
                        "Could not build the gate of sale {} at start-up (it is rebuilt on first purchase): {}",
                        sale.id(),
                        e.getMessage());
            }
        }
        log.debug("Checked the gates of {} open or upcoming sales", built);
    }

    /** From now on health answers UP: every start-up step is done. */
    public void markReady() {
        ready = true;
    }

    @Override
    public Health health() {
        return ready
                ? Health.up().build()
                : Health.down().withDetail("reason", "gates not built yet").build();
    }
}
