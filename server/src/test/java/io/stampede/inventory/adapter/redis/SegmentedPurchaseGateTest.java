package io.stampede.inventory.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.stampede.inventory.domain.GateState;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Where a segmented gate puts its segments and its buyers, and how it splits a rebuilt state. */
class SegmentedPurchaseGateTest {
    /** The master of a slot in a cluster made by redis-cli --cluster create with this many masters. */
    private static int master(int slot, int masters) {
        int per = SlotHash.SLOT_COUNT / masters;
        return Math.min(slot / (per + 1), masters - 1); // redis-cli gives the first ranges one slot more
    }

    @Test
    void theSegmentsOfASaleLandOnDifferentMastersOfAnEvenCluster() {
        // seeded: a sale id is random, and about one in a thousand lands where the layouts' range ends differ
        Random random = new Random(20261202L);
        for (int k = 2; k <= 6; k++) {
            int onOne = 0;
            for (int i = 0; i < 1_000; i++) {
                String[] ids = SegmentedPurchaseGate.spread(
                        "stampede:", new UUID(random.nextLong(), random.nextLong()).toString(), k);
                assertThat(ids).hasSize(k).doesNotHaveDuplicates();
                Set<Integer> masters = new HashSet<>();
                for (String id : ids) {
                    masters.add(master(SlotHash.getSlot("stampede:{sale:" + id + "}:gate"), k));
                }
                onOne += masters.size() == k ? 0 : 1;
            }
            // only a sale whose own slot lies within a slot or two of a range's end may share a master
            assertThat(onOne)
                    .as("sales of %d segments with two on one master", k)
                    .isLessThanOrEqualTo(3);
        }
    }

    @Test
    void buyersSpreadOverEverySegmentTheSameWayEverywhere() {
        int[] counts = new int[3];
        for (int u = 0; u < 3_000; u++) {
            counts[SegmentedPurchaseGate.home("user-" + u, 3)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(800, 1_200);
        }
        assertThat(SegmentedPurchaseGate.home("alice", 3)).isEqualTo(Math.floorMod("alice".hashCode(), 3));
    }

    @Test
    void aRebuiltStateIsSplitByHomeWithEveryUnitInExactlyOneSegment() {
        GateState whole = new GateState(
                1L,
                2L,
                1,
                10,
                Map.of("alice", 1L, "bob", 1L, "carol", 1L),
                Map.of(
                        GateState.keyField("alice", "k"), "o1",
                        GateState.keyField("bob", "k"), "o2",
                        GateState.keyField("carol", "k"), "o3"),
                Set.of("o0"),
                7);
        long units = 0;
        Set<String> users = new HashSet<>();
        for (int s = 0; s < 3; s++) {
            GateState part = SegmentedPurchaseGate.part(whole, 3, s);
            units += part.available();
            int segment = s;
            part.unitsByUser()
                    .keySet()
                    .forEach(u -> assertThat(SegmentedPurchaseGate.home(u, 3)).isEqualTo(segment));
            part.orderByKey()
                    .keySet()
                    .forEach(f -> assertThat(SegmentedPurchaseGate.home(f.substring(0, f.indexOf('\n')), 3))
                            .isEqualTo(segment));
            users.addAll(part.unitsByUser().keySet());
            assertThat(part.released()).containsExactly("o0");
            assertThat(part.epoch()).isEqualTo(7);
        }
        assertThat(units).isEqualTo(10);
        assertThat(users).containsExactlyInAnyOrder("alice", "bob", "carol");
    }
}
