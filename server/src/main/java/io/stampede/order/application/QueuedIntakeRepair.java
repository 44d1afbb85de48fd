package io.stampede.order.application;

import io.stampede.inventory.port.QueuedReservations;
import io.stampede.order.port.IntakeQueue;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.port.SaleRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Publishes again the accepted QUEUED orders whose first publication was never confirmed (the broker timed out, the
 * connection dropped mid-publish): their units are held and a copy may or may not be queued, so one more copy settles
 * it (the consumer writes an order once). Only records older than {@code repairAfter}, far beyond the purchase's own
 * confirm wait, so the purchase that made the record has given up on it before.
 */
@Component
public class QueuedIntakeRepair {
    private static final Logger log = LoggerFactory.getLogger(QueuedIntakeRepair.class);
    private static final Duration ENDED_SALES_KEPT = Duration.ofDays(1);

    private final SaleRepository sales;
    private final QueuedReservations gate;
    private final IntakeQueue intake;
    private final QueuedOrderCodec codec;
    private final OrderSettings.Intake settings;
    private final Clock clock;

    public QueuedIntakeRepair(
            SaleRepository sales,
            QueuedReservations gate,
            IntakeQueue intake,
            QueuedOrderCodec codec,
            OrderSettings orderSettings,
            Clock clock) {
        this.sales = sales;
        this.gate = gate;
        this.intake = intake;
        this.codec = codec;
        this.settings = orderSettings.intake();
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${stampede.intake.repair-interval:10s}")
    public void run() {
        try {
            Instant now = clock.instant();
            for (Sale sale : sales.openOrUpcoming(now.minus(ENDED_SALES_KEPT))) {
                if (sale.intake() == Intake.QUEUED) {
                    repair(sale, now);
                }
            }
        } catch (RuntimeException e) {
            log.debug("Queued intake repair pass skipped: {}", e.getMessage());
        }
    }

    /** One pass over one sale; returns how many orders it published again. */
    public int repair(Sale sale, Instant now) {
        int republished = 0;
        for (Map.Entry<String, String> e : gate.records(sale.id()).entrySet()) {
            QueuedOrder o;
            try {
                o = codec.read(e.getValue());
            } catch (QueuedOrderCodec.Unreadable bad) {
                log.error(
                        "Record of queued order {} of sale {} is unreadable: {}",
                        e.getKey(),
                        sale.id(),
                        bad.getMessage());
                continue;
            }
            if (o.createdAt().isAfter(now.minus(settings.repairAfter())) || gate.isConfirmed(sale.id(), o.id())) {
                continue;
            }
            if (intake.publish(o, settings.confirmTimeout()) == IntakeQueue.Publication.CONFIRMED) {
                gate.confirm(sale.id(), o.id());
                republished++;
                log.info(
                        "Queued order {} of sale {} published again: its first publication was never confirmed",
                        o.id(),
                        sale.id());
            }
        }
        return republished;
    }
}
