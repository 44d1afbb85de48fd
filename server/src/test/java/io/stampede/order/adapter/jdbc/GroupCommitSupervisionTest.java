package io.stampede.order.adapter.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.Mockito.doNothing;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.domain.Refusal;
import io.stampede.inventory.port.GateFences;
import io.stampede.inventory.port.StockLedger;
import io.stampede.order.application.OrderSettings;
import io.stampede.order.application.OrderWriter.WriteResult;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Sale;
import io.stampede.testsupport.InlineTransactions;
import io.stampede.testsupport.Offers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The group-commit writer answers every order it took, whatever its batch throws ({@link Error}s included), goes on
 * writing afterwards, and answers the database's refusals of what the gate admitted as values.
 */
class GroupCommitSupervisionTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Sale SALE = Offers.sale()
            .name("sale")
            .sku("SKU")
            .price(100)
            .stock(5)
            .window(NOW.minusSeconds(60), NOW.plusSeconds(3600))
            .definition("s-1");

    private final OrderRepository orders = mock(OrderRepository.class);
    private final GateFences fences = mock(GateFences.class);
    private final StockLedger ledger = mock(StockLedger.class);
    private final GroupCommitOrderWriter writer = new GroupCommitOrderWriter(
            orders,
            fences,
            mock(Outbox.class),
            mock(CouponRedemptions.class),
            ledger,
            new TransactionTemplate(new InlineTransactions()),
            new OrderSettings(new OrderSettings.GroupCommit(16, 1, 100, Duration.ofSeconds(2)), null),
            new SimpleMeterRegistry());

    {
        when(fences.lock(any())).thenReturn(Map.of("s-1", new GateFences.Fence(7, 1)));
        when(ledger.holdBuyers(anyList(), anyMap())).thenReturn(Map.of());
        when(ledger.takeAll(anyList())).thenReturn(true);
        writer.start();
    }

    @AfterEach
    void stop() {
        writer.stop();
    }

    private static Order order(String id) {
        return Order.placed(id, SALE, "user-" + id, "k", 1, null, NOW);
    }

    private WriteResult write(String id) throws Exception {
        return writer.write(order(id), 7).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anErrorInABatchFailsItsOrdersAndTheWriterGoesOn() throws Exception {
        doThrow(new StackOverflowError("deep")).doNothing().when(orders).insertAll(anyList());

        assertThat(write("a")).isInstanceOf(WriteResult.Failed.class);
        assertThat(write("b")).isInstanceOf(WriteResult.Committed.class);
    }

    @Test
    void anOrderOfAGateRebuiltSinceIsFencedOut() throws Exception {
        doNothing().when(orders).insertAll(anyList());

        assertThat(writer.write(order("c"), 6).get(5, TimeUnit.SECONDS)).isInstanceOf(WriteResult.StaleGate.class);
    }

    @Test
    void anOrderTheLedgerRefusesIsNotWrittenAndSaysWhy() throws Exception {
        // the stock, taken last, lacks units: the batch is written once more, taking units in order
        when(ledger.takeAll(anyList())).thenReturn(false);
        when(ledger.hold(anyList(), anyMap())).thenReturn(Map.of("d", Refusal.SOLD_OUT));

        assertThat(write("d")).isEqualTo(new WriteResult.Refused(Refusal.SOLD_OUT));
    }

    @Test
    void aBuyerOverTheLimitIsRefusedWithoutTheStockPass() throws Exception {
        when(ledger.holdBuyers(anyList(), anyMap())).thenReturn(Map.of("e", Refusal.LIMIT_EXCEEDED));

        assertThat(write("e")).isEqualTo(new WriteResult.Refused(Refusal.LIMIT_EXCEEDED));
    }
}
