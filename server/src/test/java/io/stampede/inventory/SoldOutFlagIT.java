package io.stampede.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.application.StockCounters;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.order.application.OrderLifecycle;
import io.stampede.order.application.OrderWriter;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.Purchases;
import io.stampede.order.domain.Order;
import io.stampede.order.domain.Transition;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.port.SaleRepository;
import io.stampede.shared.Ids;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.Offers;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * The local sold-out flag: after the last unit, attempts are answered without a Redis round trip, yet a replay of
 * a key that bought still finds its order, and a unit that comes back is sold again.
 */
@IntegrationTest
@TestPropertySource(properties = "stampede.sold-out-flag-ttl=1h") // the flag must be lowered by events, not by time
class SoldOutFlagIT {
    @Autowired
    SaleService sales;

    @Autowired
    Purchases purchases;

    @Autowired
    OrderLifecycle lifecycle;

    @Autowired
    PurchaseGate gate;

    @Autowired
    StringRedisTemplate redis;

    @Test
    void aQuantityFoundSoldOutDoesNotStopASmallerOneThatStillFits() {
        Sale sale = open(3, 3);
        assertThat(purchases.purchase(sale, "alice", "k", 2)).isInstanceOf(PurchaseOutcome.Placed.class);
        assertThat(purchases.purchase(sale, "bob", "k", 2)).isInstanceOf(PurchaseOutcome.SoldOut.class);
        assertThat(purchases.purchase(sale, "bob", "k2", 3)).isInstanceOf(PurchaseOutcome.SoldOut.class);
        PurchaseOutcome carol = purchases.purchase(sale, "carol", "k", 1);
        assertThat(carol).isInstanceOf(PurchaseOutcome.Placed.class);
        assertThat(purchases.purchase(sale, "dave", "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);
        // carol bought after the flag for 2 went up: her replay, even asking for 2, still finds her order
        assertThat(purchases.purchase(sale, "carol", "k", 2))
                .isInstanceOfSatisfying(
                        PurchaseOutcome.Placed.class,
                        p -> assertThat(p.order().id())
                                .isEqualTo(
                                        ((PurchaseOutcome.Placed) carol).order().id()));
    }

    @Test
    void aKeyThatBoughtOnAnotherInstanceAfterTheFlagWentUpStillFindsItsOrder() {
        Sale sale = open(1, 1);
        PurchaseOutcome won = purchases.purchase(sale, "alice", "k", 1);
        assertThat(purchases.purchase(sale, "bob", "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);

        // on another instance: the sale is restocked and erin buys the unit; this instance's flag hears of neither
        assertThat(won).isInstanceOf(PurchaseOutcome.Placed.class);
        assertThat(counters.restock(sale, 1, () -> saleRows.addStock(sale.id(), 1)))
                .isTrue();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var erin = (Reservation.Reserved) gate.reserve(sale.id(), "erin", "e1", 1, Ids.newId(), now);
        writer.write(Order.placed(erin.orderId(), sale, "erin", "e1", 1, null, now), erin.gateEpoch())
                .join();

        // erin retries on this instance (her answer was lost): she gets her order, not SOLD_OUT
        assertThat(purchases.purchase(sale, "erin", "e1", 1))
                .isInstanceOfSatisfying(
                        PurchaseOutcome.Placed.class,
                        p -> assertThat(p.order().id()).isEqualTo(erin.orderId()));
        // and anybody else is still answered sold out
        assertThat(purchases.purchase(sale, "frank", "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);
    }

    @Autowired
    OrderWriter writer;

    @Autowired
    StockCounters counters;

    @Autowired
    SaleRepository saleRows;

    private Sale open(long stock, int limit) {
        return Offers.sale().name("flag").stock(stock).limit(limit).openWith(sales);
    }

    @Test
    void aSoldOutSaleAnswersWithoutRedisButReplaysAndReturnedUnitsStillWork() {
        Sale sale = open(1, 1);
        PurchaseOutcome won = purchases.purchase(sale, "alice", "k", 1);
        assertThat(won).isInstanceOf(PurchaseOutcome.Placed.class);
        assertThat(purchases.purchase(sale, "bob", "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);

        // Redis loses the gate: an attempt that asked it would find it missing and rebuild it
        redis.delete(redis.keys("*{sale:" + sale.id() + "}:*"));
        assertThat(purchases.purchase(sale, "carol", "k", 1)).isInstanceOf(PurchaseOutcome.SoldOut.class);
        assertThat(gate.exists(sale.id()))
                .as("the flag answered; nothing rebuilt the gate")
                .isFalse();

        // the winner's replay is not answered by the flag: it goes to the gate (rebuilt) and finds its order
        String orderId = ((PurchaseOutcome.Placed) won).order().id();
        assertThat(purchases.purchase(sale, "alice", "k", 1))
                .isInstanceOfSatisfying(
                        PurchaseOutcome.Placed.class,
                        p -> assertThat(p.order().id()).isEqualTo(orderId));

        // the unit comes back: the flag is lowered at once and the unit sells again
        assertThat(lifecycle.cancel(orderId, "alice")).isInstanceOf(Transition.Done.class);
        assertThat(purchases.purchase(sale, "dave", "k", 1)).isInstanceOf(PurchaseOutcome.Placed.class);
    }
}
