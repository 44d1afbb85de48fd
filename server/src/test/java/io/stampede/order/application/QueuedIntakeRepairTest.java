package io.stampede.order.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.stampede.inventory.port.QueuedReservations;
import io.stampede.order.port.IntakeQueue;
import io.stampede.sale.domain.Intake;
import io.stampede.sale.domain.Sale;
import io.stampede.sale.port.SaleRepository;
import io.stampede.testsupport.Offers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The repair pass of the queued intake: an accepted order whose publication was never confirmed is published again
 * once it is older than {@code repairAfter}, and marked confirmed only when the broker confirms the copy; young,
 * confirmed and unreadable records are left alone.
 */
class QueuedIntakeRepairTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Duration REPAIR_AFTER = Duration.ofSeconds(60);
    private static final Sale SALE = Offers.sale()
            .name("sale")
            .sku("SKU")
            .price(100)
            .stock(5)
            .intake(Intake.QUEUED)
            .window(NOW.minusSeconds(600), NOW.plusSeconds(3600))
            .definition("s-1");

    private final QueuedReservations gate = mock(QueuedReservations.class);
    private final IntakeQueue intake = mock(IntakeQueue.class);
    private final QueuedOrderCodec codec = new QueuedOrderCodec();
    private final QueuedIntakeRepair repair = new QueuedIntakeRepair(
            mock(SaleRepository.class),
            gate,
            intake,
            codec,
            new OrderSettings(
                    null, new OrderSettings.Intake(null, null, 0, Duration.ofSeconds(1), null, 0, REPAIR_AFTER)),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private QueuedOrder order(String id, Instant createdAt) {
        return new QueuedOrder(
                id,
                SALE.id(),
                "u-" + id,
                "k-" + id,
                1,
                1000,
                createdAt,
                createdAt.plus(Duration.ofMinutes(15)),
                null,
                3);
    }

    @Test
    void anOldUnconfirmedOrderIsPublishedAgainAndConfirmedTheRestAreLeftAlone() {
        QueuedOrder lost = order("lost", NOW.minus(REPAIR_AFTER).minusSeconds(1));
        QueuedOrder young = order("young", NOW.minus(REPAIR_AFTER).plusSeconds(5));
        QueuedOrder done = order("done", NOW.minusSeconds(3600));
        Map<String, String> records = new LinkedHashMap<>();
        records.put("lost", codec.write(lost));
        records.put("young", codec.write(young));
        records.put("done", codec.write(done));
        records.put("garbage", "{not a record");
        when(gate.records(SALE.id())).thenReturn(records);
        when(gate.isConfirmed(SALE.id(), "done")).thenReturn(true);
        when(intake.publish(any(), any())).thenReturn(IntakeQueue.Publication.CONFIRMED);

        assertThat(repair.repair(SALE, NOW)).isEqualTo(1);

        verify(intake).publish(eq(lost), any());
        verify(gate).confirm(SALE.id(), "lost");
        verify(intake, never()).publish(eq(young), any());
        verify(intake, never()).publish(eq(done), any());
        verify(gate, never()).confirm(SALE.id(), "young");
    }

    @Test
    void aCopyTheBrokerDidNotConfirmStaysUnconfirmedForTheNextPass() {
        QueuedOrder lost = order("lost", NOW.minusSeconds(600));
        when(gate.records(SALE.id())).thenReturn(Map.of("lost", codec.write(lost)));
        when(intake.publish(any(), any())).thenReturn(IntakeQueue.Publication.UNKNOWN);

        assertThat(repair.repair(SALE, NOW)).isZero();

        verify(intake).publish(eq(lost), any());
        verify(gate, never()).confirm(anyString(), anyString());
    }
}
