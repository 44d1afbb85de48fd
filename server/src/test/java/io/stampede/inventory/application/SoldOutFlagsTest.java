package io.stampede.inventory.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.stampede.inventory.port.PurchaseGate;
import io.stampede.inventory.port.UnitHolders;
import io.stampede.sale.domain.Sale;
import io.stampede.testsupport.Offers;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The local sold-out flag: raised only by an answer no unit has overtaken, and never in the way of a replay. */
class SoldOutFlagsTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Sale SALE = Offers.sale()
            .name("sale")
            .sku("SKU")
            .price(100)
            .stock(5)
            .window(NOW.minusSeconds(60), NOW.plusSeconds(3600))
            .definition("s-1");

    private final PurchaseGate gate = mock(PurchaseGate.class);
    private final SoldOutFlags flags =
            new SoldOutFlags(gate, mock(UnitHolders.class), new InventorySettings(Duration.ofHours(1), null, null));

    {
        when(gate.hasKey(anyString(), anyString(), anyString())).thenReturn(Optional.of(false));
    }

    @Test
    void aSoldOutAnswerRaisesTheFlag() {
        flags.soldOut(SALE, 1, flags.observe(SALE.id()));

        assertThat(flags.answersSoldOut(SALE, "u1", "k", 1)).isTrue();
    }

    @Test
    void aSoldOutAnswerOvertakenByReturnedUnitsRaisesNoFlag() {
        long observed = flags.observe(SALE.id()); // the attempt asks the gate: sold out ...
        flags.clear(SALE.id()); // ... a unit comes back meanwhile ...
        flags.soldOut(SALE, 1, observed); // ... and the stale answer arrives

        assertThat(flags.answersSoldOut(SALE, "u1", "k", 1)).isFalse();
    }

    @Test
    void aKeyThatBoughtGoesTheNormalWayWhereverItBought() {
        flags.soldOut(SALE, 1, flags.observe(SALE.id()));
        when(gate.hasKey("s-1", "buyer", "k")).thenReturn(Optional.of(true));

        assertThat(flags.answersSoldOut(SALE, "buyer", "k", 1)).isFalse();
        assertThat(flags.answersSoldOut(SALE, "other", "k", 1)).isTrue();
    }
}
