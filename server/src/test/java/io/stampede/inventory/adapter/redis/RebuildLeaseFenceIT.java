package io.stampede.inventory.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.inventory.domain.GateState;
import io.stampede.inventory.port.PurchaseGate;
import io.stampede.sale.application.SaleService;
import io.stampede.sale.domain.Sale;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.Offers;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A rebuild writes the gate only while it holds the rebuild lease: one that outlived its lease (a long pause, a slow
 * database) while another rebuild began cannot write a single field into the new gate.
 */
@IntegrationTest
class RebuildLeaseFenceIT {
    @Autowired
    PurchaseGate gate;

    @Autowired
    SaleService sales;

    @Autowired
    StringRedisTemplate redis;

    @Test
    void aRebuildThatLostItsLeaseWritesNothingIntoTheNextOnesGate() throws Exception {
        Sale sale = Offers.sale().name("fence").openWith(sales);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        AtomicBoolean slowDone = new AtomicBoolean(true);
        Thread slow = Thread.ofVirtual()
                .start(() -> slowDone.set(gate.rebuild(sale.id(), () -> {
                    reading.countDown();
                    try {
                        goOn.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return state(99, Map.of("ghost", 1L), Map.of("ghost\nk", "ghost-order"));
                })));
        reading.await();

        // the slow rebuild's lease runs out; another rebuild takes a new one and finishes
        redis.delete(redis.keys("*{sale:" + sale.id() + "}:rebuild"));
        assertThat(gate.rebuild(sale.id(), () -> state(3, Map.of("real", 1L), Map.of("real\nk", "real-order"))))
                .isTrue();

        goOn.countDown();
        slow.join();

        assertThat(slowDone).as("the slow rebuild knows it failed").isFalse();
        GateState built = gate.read(sale.id()).orElseThrow();
        assertThat(built.available()).isEqualTo(3);
        assertThat(built.unitsByUser()).isEqualTo(Map.of("real", 1L));
        assertThat(built.orderByKey()).isEqualTo(Map.of("real\nk", "real-order"));
    }

    private static GateState state(long available, Map<String, Long> units, Map<String, String> keys) {
        Instant now = Instant.now();
        return new GateState(
                now.minusSeconds(5).toEpochMilli(),
                now.plusSeconds(3600).toEpochMilli(),
                1,
                available,
                units,
                keys,
                Set.of(),
                42);
    }
}
