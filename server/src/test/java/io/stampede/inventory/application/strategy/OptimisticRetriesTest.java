package io.stampede.inventory.application.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.stampede.coupon.application.CouponRedemptions;
import io.stampede.event.port.Outbox;
import io.stampede.inventory.application.StockCounters;
import io.stampede.inventory.application.WrongGates;
import io.stampede.inventory.port.StockBuckets;
import io.stampede.inventory.port.StockLedger;
import io.stampede.order.application.PurchaseOutcome;
import io.stampede.order.application.StockPurchases;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.testsupport.InlineTransactions;
import io.stampede.testsupport.Offers;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.support.TransactionTemplate;

/** The purchase template's bounded retries: giving up while stock remains is a 503, never sold out. */
class OptimisticRetriesTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Sale SALE = Offers.sale()
            .name("sale")
            .sku("SKU")
            .price(100)
            .stock(5)
            .strategy(StockStrategy.DB_OPTIMISTIC)
            .window(NOW.minusSeconds(60), NOW.plusSeconds(3600))
            .definition("s-1");

    private final OrderRepository orders = mock(OrderRepository.class);
    private final StockBuckets buckets = mock(StockBuckets.class);
    private final InlineTransactions transactions = new InlineTransactions();

    private StockPurchases path(StockTaking strategy) {
        when(orders.findByKey(anyString(), anyString(), anyString())).thenReturn(Optional.empty());
        return new StockPurchases(
                List.of(strategy),
                mock(StockCounters.class),
                mock(StockLedger.class),
                mock(WrongGates.class),
                orders,
                mock(CouponRedemptions.class),
                mock(Outbox.class),
                new TransactionTemplate(transactions),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void optimisticUpdatesThatKeepLosingEndIn503NotSoldOutAndWriteNothing() {
        when(buckets.read("s-1")).thenReturn(Optional.of(new StockBuckets.Versioned(5, 7)));
        when(buckets.compareAndSet("s-1", 7, 4)).thenReturn(false); // someone always changed it first

        PurchaseOutcome outcome = path(optimistic()).purchase(SALE, "u1", "k", 1, null);

        assertThat(outcome)
                .isInstanceOfSatisfying(
                        PurchaseOutcome.Unavailable.class,
                        u -> assertThat(u.reason()).contains("gave up"));
        verify(buckets, atLeast(optimistic().maxRounds())).compareAndSet("s-1", 7, 4);
        verify(orders, never()).insertAll(ArgumentMatchers.any());
        assertThat(transactions.rollbacks()).isEqualTo(optimistic().maxRounds());
    }

    @Test
    void anOptimisticReadThatFindsNoStockIsSoldOutWithoutATransaction() {
        when(buckets.read("s-1")).thenReturn(Optional.of(new StockBuckets.Versioned(0, 9)));

        assertThat(path(optimistic()).purchase(SALE, "u1", "k", 1, null)).isInstanceOf(PurchaseOutcome.SoldOut.class);
        verify(buckets, never()).compareAndSet(anyString(), anyLong(), anyLong());
    }

    @Test
    void anOptimisticWinnerWritesItsOrder() {
        when(buckets.read("s-1")).thenReturn(Optional.of(new StockBuckets.Versioned(5, 7)));
        when(buckets.compareAndSet("s-1", 7, 4)).thenReturn(true);

        PurchaseOutcome outcome = path(optimistic()).purchase(SALE, "u1", "k", 1, null);

        assertThat(outcome).isInstanceOf(PurchaseOutcome.Placed.class);
        verify(orders).insertAll(ArgumentMatchers.anyList());
        assertThat(transactions.rollbacks()).isZero();
    }

    @Test
    void aPreCheckThatFindsNoDatabaseConnectionIs503AndWritesNothing() {
        when(buckets.read("s-1")).thenThrow(new CannotGetJdbcConnectionException("pool exhausted"));

        assertThat(path(optimistic()).purchase(SALE, "u1", "k", 1, null))
                .isInstanceOf(PurchaseOutcome.Unavailable.class);
        verify(orders, never()).insertAll(ArgumentMatchers.any());
    }

    @Test
    void aSoldOutReplayLookupThatFindsNoDatabaseConnectionIs503NotAnError() {
        when(buckets.read("s-1")).thenReturn(Optional.of(new StockBuckets.Versioned(0, 9)));
        StockPurchases path = path(optimistic());
        when(orders.findByKey("s-1", "u1", "k")).thenThrow(new CannotGetJdbcConnectionException("pool exhausted"));

        assertThat(path.purchase(SALE, "u1", "k", 1, null)).isInstanceOf(PurchaseOutcome.Unavailable.class);
    }

    private StockTaking optimistic() {
        return new OptimisticStock(buckets);
    }
}
