package io.stampede.live.application;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.SaleState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code stampede.sale.stock{sale, figure}}: the database's available, reserved and sold units of each sale that has
 * not ended, for Grafana's stock panel; read every five seconds (two queries), dropped when the sale ends. Every
 * instance reports the same figures: a dashboard takes the max over instances, not the sum.
 */
@Component
public class SaleStockGauges {
    private final SaleService sales;
    private final Clock clock;
    private final MultiGauge stock;

    public SaleStockGauges(SaleService sales, Clock clock, MeterRegistry meters) {
        this.sales = sales;
        this.clock = clock;
        this.stock = MultiGauge.builder("stampede.sale.stock")
                .description("units of each sale not ended, as the database counts them")
                .baseUnit("units")
                .register(meters);
    }

    @Scheduled(fixedRateString = "${stampede.live.stock-gauge-interval:5s}")
    public void refresh() {
        Instant now = clock.instant();
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (SaleService.SaleWithStock s : sales.list()) {
            if (s.sale().stateAt(now, s.stock()) == SaleState.ENDED) {
                continue;
            }
            String id = s.sale().id();
            rows.add(MultiGauge.Row.of(
                    Tags.of("sale", id, "figure", "available"), s.stock().available()));
            rows.add(MultiGauge.Row.of(
                    Tags.of("sale", id, "figure", "reserved"), s.stock().reserved()));
            rows.add(MultiGauge.Row.of(
                    Tags.of("sale", id, "figure", "sold"), s.stock().sold()));
        }
        stock.register(rows, true);
    }
}
