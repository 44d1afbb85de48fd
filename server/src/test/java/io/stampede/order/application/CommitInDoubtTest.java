package io.stampede.order.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stampede.inventory.application.GateAdmission;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.application.InFlightReservations;
import io.stampede.inventory.application.SoldOutFlags;
import io.stampede.inventory.application.WrongGates;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.GateFences;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.order.domain.Order;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Sale;
import io.stampede.testsupport.InlineTransactions;
import io.stampede.testsupport.Offers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * What the gate gets back when the group commit fails. A batch that failed before its commit rolled back: the units
 * return. A batch whose commit failed may still be landing: the answer waits until its transaction has surely
 * ended (the sale row taken exclusively), then reads; if even that fails the units stay held for reconciliation,
 * because a commit landing after a give-back would leave its unit sold in the database and free in the gate.
 */
class CommitInDoubtTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Sale SALE = Offers.sale()
            .name("sale")
            .sku("SKU")
            .price(100)
            .stock(5)
            .window(NOW.minusSeconds(60), NOW.plusSeconds(3600))
            .definition("s-1");

    private final PurchaseGate gate = mock(PurchaseGate.class);
    private final OrderWriter writer = mock(OrderWriter.class);
    private final OrderRepository orders = mock(OrderRepository.class);
    private final GateFences sales = mock(GateFences.class);
    private final PurchaseService purchases = new PurchaseService(
            gate,
            mock(GateRebuilder.class),
            new GateAdmission(
                    CircuitBreaker.ofDefaults("gate"),
                    new InFlightReservations(),
                    new WrongGates(mock(SoldOutFlags.class), new SimpleMeterRegistry())),
            writer,
            orders,
            sales,
            new InlineTransactions(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            new OrderSettings(new OrderSettings.GroupCommit(0, 0, 0, Duration.ofSeconds(2)), null));

    private PurchaseOutcome failWith(OrderWriter.WriteResult failure) {
        when(gate.reserve(anyString(), anyString(), anyString(), anyInt(), anyString(), any()))
                .thenAnswer(call -> new Reservation.Reserved(call.getArgument(4), 7));
        when(writer.write(any(), anyLong())).thenReturn(CompletableFuture.completedFuture(failure));
        return purchases.purchase(SALE, "u1", "k1", 1, null);
    }

    private static OrderWriter.WriteResult lostAcknowledgement() {
        return new OrderWriter.WriteResult.InDoubt("connection reset during COMMIT");
    }

    @Test
    void aCommitInDoubtThatLandedIsTheOrderAndKeepsItsUnits() {
        when(orders.find(anyString()))
                .thenAnswer(call -> Optional.of(Order.placed(call.getArgument(0), SALE, "u1", "k1", 1, null, NOW)));

        assertThat(failWith(lostAcknowledgement())).isInstanceOf(PurchaseOutcome.Placed.class);
        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void aCommitInDoubtIsReadOnlyAfterItsTransactionSurelyEndedAndAbsentGivesTheUnitsBack() {
        when(orders.find(anyString())).thenReturn(Optional.empty());

        assertThat(failWith(lostAcknowledgement())).isInstanceOf(PurchaseOutcome.Unavailable.class);

        InOrder order = inOrder(sales, orders, gate);
        order.verify(sales).lockExclusively("s-1");
        order.verify(orders).find(anyString());
        order.verify(gate).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void aCommitInDoubtThatCannotBeSettledKeepsItsUnitsHeld() {
        doThrow(new CannotGetJdbcConnectionException("database gone"))
                .when(sales)
                .lockExclusively("s-1");

        assertThat(failWith(lostAcknowledgement())).isInstanceOf(PurchaseOutcome.Unavailable.class);
        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void aBatchThatFailedBeforeItsCommitRolledBackSoTheUnitsGoBackAtOnce() {
        assertThat(failWith(new OrderWriter.WriteResult.Failed("statement failed")))
                .isInstanceOf(PurchaseOutcome.Unavailable.class);
        verify(gate).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
        verify(sales, never()).lockExclusively(anyString());
    }
}
