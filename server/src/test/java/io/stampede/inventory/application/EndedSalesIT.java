package io.stampede.inventory.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.MutableClock;
import io.stampede.testsupport.MutableClockConfig;
import io.stampede.testsupport.Offers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/** What an instance keeps in memory per sale goes once the sale has ended: it does not grow with every sale ever run. */
@IntegrationTest
@Import(MutableClockConfig.class)
@TestPropertySource(properties = "stampede.ended-sales.interval=1h") // the test runs the pass itself
class EndedSalesIT {
    @Autowired
    SaleService sales;

    @Autowired
    Purchases purchases;

    @Autowired
    MutableClock clock;

    @Autowired
    InFlightReservations inFlight;

    @Autowired
    GateRebuilder rebuilder;

    @Autowired
    StockCounters counters;

    @Autowired
    SoldOutFlags soldOut;

    @Test
    void aSaleThatEndedIsForgottenByEveryHolderOfPerSaleState() {
        int before = inFlight.tracked();
        for (StockStrategy strategy : new StockStrategy[] {StockStrategy.REDIS_LUA, StockStrategy.TOKEN_QUEUE}) {
            Sale sale = Offers.sale()
                    .name("ends")
                    .stock(1)
                    .strategy(strategy)
                    .on(clock)
                    .endsIn(Duration.ofSeconds(60))
                    .openWith(sales);
            assertThat(purchases.purchase(sale, "u1", "k", 1)).isInstanceOf(PurchaseOutcome.Placed.class);
            assertThat(purchases.purchase(sale, "u2", "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);
        }
        assertThat(inFlight.tracked()).isGreaterThan(before);
        assertThat(rebuilder.tracked() + counters.tracked() + soldOut.tracked()).isPositive();

        clock.advance(Duration.ofMinutes(3)); // both ended more than a minute ago
        assertThat(sales.forgetEnded()).isGreaterThanOrEqualTo(2);

        assertThat(inFlight.tracked()).isZero();
        assertThat(rebuilder.tracked()).isZero();
        assertThat(counters.tracked()).isZero();
        assertThat(soldOut.tracked()).isZero();
    }
}
