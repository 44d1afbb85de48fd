package io.stampede.order.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.stampede.inventory.application.GateRebuilder;
import io.stampede.inventory.application.InFlightReservations;
import io.stampede.inventory.domain.Reservation;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.order.port.OrderRepository;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.domain.StockStrategy;
import io.stampede.shared.StampedeProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * What the gate gets back when the group commit fails: units return at once only when the order is surely not
 * written; when the commit's fate is unknown they stay held for reconciliation, even if no order is visible yet,
 * because a commit still landing would otherwise leave its unit sold in the database and free in the gate.
 */
class CommitInDoubtTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Sale SALE = new Sale("s-1", "sale", "SKU", 100, NOW.minusSeconds(60), NOW.plusSeconds(3600),
            1, Duration.ofMinutes(15), StockStrategy.REDIS_LUA, Intake.DIRECT, 5, NOW.minusSeconds(120));

    private final PurchaseGate gate = mock(PurchaseGate.class);
    private final OrderWriter writer = mock(OrderWriter.class);
    private final OrderRepository orders = mock(OrderRepository.class);
    private final PurchaseService purchases = new PurchaseService(gate, mock(GateRebuilder.class),
            new InFlightReservations(), writer, orders, Clock.fixed(NOW, ZoneOffset.UTC),
            new StampedeProperties(null, "admin", null, "pay", false, false, null,
                    new StampedeProperties.GroupCommit(0, 0, 0, Duration.ofSeconds(2)), null),
            CircuitBreaker.ofDefaults("gate"));

    private PurchaseOutcome failWith(RuntimeException failure) {
        when(gate.reserve(anyString(), anyString(), anyString(), anyInt(), anyString(), any()))
                .thenAnswer(call -> new Reservation.Reserved(call.getArgument(4), 7));
        when(writer.write(any(), anyLong())).thenReturn(CompletableFuture.failedFuture(failure));
        when(orders.find(anyString())).thenReturn(Optional.empty()); // not visible (yet)
        return purchases.purchase(SALE, "u1", "k1", 1);
    }

    @Test
    void aCommitWhoseAcknowledgementWasLostKeepsItsUnitsHeld() {
        PurchaseOutcome outcome = failWith(new DataAccessResourceFailureException("connection reset during COMMIT"));

        assertThat(outcome).isInstanceOf(PurchaseOutcome.Unavailable.class);
        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void aCommitCutOffByATimeoutKeepsItsUnitsHeld() {
        assertThat(failWith(new QueryTimeoutException("statement timeout"))).isInstanceOf(PurchaseOutcome.Unavailable.class);
        verify(gate, never()).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }

    @Test
    void noConnectionAtAllMeansNothingWasWrittenSoTheUnitsGoBack() {
        assertThat(failWith(new CannotGetJdbcConnectionException("database down")))
                .isInstanceOf(PurchaseOutcome.Unavailable.class);
        verify(gate).compensate(anyString(), anyString(), anyString(), anyString(), anyInt());
    }
}
