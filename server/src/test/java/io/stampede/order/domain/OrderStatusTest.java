package io.stampede.order.domain;

import static io.stampede.order.domain.OrderStatus.CANCELLED;
import static io.stampede.order.domain.OrderStatus.EXPIRED;
import static io.stampede.order.domain.OrderStatus.FULFILLED;
import static io.stampede.order.domain.OrderStatus.PAID;
import static io.stampede.order.domain.OrderStatus.PENDING_PAYMENT;
import static io.stampede.order.domain.OrderStatus.QUEUED;
import static io.stampede.order.domain.OrderStatus.REFUNDED;
import static io.stampede.order.domain.OrderStatus.REJECTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Order transitions exactly as the contract's order states paragraph lists them, and the purchase request rules. */
class OrderStatusTest {

    /** Written out from API.md rather than derived from the code, so a wrong switch arm cannot agree with itself. */
    private static final Map<OrderStatus, Set<OrderStatus>> CONTRACT = Map.of(
            QUEUED, EnumSet.of(PENDING_PAYMENT, CANCELLED, EXPIRED, REJECTED),
            PENDING_PAYMENT, EnumSet.of(PAID, CANCELLED, EXPIRED),
            PAID, EnumSet.of(FULFILLED, REFUNDED),
            FULFILLED, EnumSet.noneOf(OrderStatus.class),
            CANCELLED, EnumSet.noneOf(OrderStatus.class),
            EXPIRED, EnumSet.noneOf(OrderStatus.class),
            REFUNDED, EnumSet.noneOf(OrderStatus.class),
            // the README's addition to the contract: an accepted order the database refused when it was written
            REJECTED, EnumSet.noneOf(OrderStatus.class));

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (OrderStatus from : OrderStatus.values()) {
            for (OrderStatus to : OrderStatus.values()) {
                pairs.add(Arguments.of(from, to, CONTRACT.get(from).contains(to)));
            }
        }
        return pairs.stream();
    }

    @Test
    void theContractTableCoversEveryState() {
        // a state added to the enum must be placed in the table above before the pair test means anything
        assertThat(CONTRACT.keySet()).containsExactlyInAnyOrder(OrderStatus.values());
    }

    @ParameterizedTest(name = "{0} -> {1} allowed: {2}")
    @MethodSource("everyPair")
    void allowsExactlyTheContractsTransitions(OrderStatus from, OrderStatus to, boolean allowed) {
        assertThat(from.canBecome(to)).isEqualTo(allowed);
    }

    @Test
    void noStateBecomesItself() {
        // a repeated cancel or payment must answer INVALID_STATE, not silently re-enter the state
        for (OrderStatus s : OrderStatus.values()) {
            assertThat(s.canBecome(s)).as(s.name()).isFalse();
        }
    }

    @Test
    void liveStatesAreThoseHoldingUnits() {
        assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(OrderStatus::isLive))
                .containsExactlyInAnyOrder(QUEUED, PENDING_PAYMENT, PAID, FULFILLED);
        assertThat(OrderStatus.RESERVING).containsExactlyInAnyOrder(QUEUED, PENDING_PAYMENT);
        assertThat(OrderStatus.SELLING).containsExactlyInAnyOrder(PAID, FULFILLED);
    }

    @Nested
    class Quantity {
        @ParameterizedTest
        @ValueSource(ints = {1, 2, 999, 1000})
        void acceptsOneToAThousand(int quantity) {
            assertThat(PurchaseRules.isValidQuantity(quantity)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1001, Integer.MAX_VALUE})
        void refusesOutsideOneToAThousand(int quantity) {
            assertThat(PurchaseRules.isValidQuantity(quantity)).isFalse();
        }

        @Test
        void refusesAMissingQuantity() {
            assertThat(PurchaseRules.isValidQuantity(null)).isFalse();
        }
    }
}
