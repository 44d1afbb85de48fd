package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanTest {

    @Test
    void freshKeysAreDistinctAndReplaysFollowTheirOriginal() {
        Plan plan = Plan.build("r1", 50, 1000, 100, 7);
        assertEquals(1000, plan.size());
        assertEquals(100, plan.replayCount());
        assertEquals(50, plan.users().size());

        Set<String> freshKeys = new HashSet<>();
        Map<String, String> ownerOfKey = new HashMap<>();
        for (Plan.Attempt a : plan.attempts()) {
            assertTrue(a.key().matches("[A-Za-z0-9_-]{1,64}"), a.key());
            if (a.replay()) {
                assertTrue(freshKeys.contains(a.key()), "replay before its original: " + a.key());
                assertEquals(ownerOfKey.get(a.key()), a.userId());
            } else {
                assertTrue(freshKeys.add(a.key()), "duplicate fresh key " + a.key());
                ownerOfKey.put(a.key(), a.userId());
            }
        }
        assertEquals(900, freshKeys.size());
    }

    @Test
    void fewerAttemptsThanUsers() {
        Plan plan = Plan.build("r2", 10, 3, 1, 1);
        assertEquals(List.of("bench-r2-0", "bench-r2-1"), plan.users());
    }

    @Test
    void sameSeedSamePlan() {
        assertEquals(Plan.build("r", 7, 100, 20, 3), Plan.build("r", 7, 100, 20, 3));
    }

    @Test
    void distinctPlanHasOneFreshAttemptPerShopper() {
        Plan plan = Plan.distinct("r3", "o", 1000);
        assertEquals(1000, plan.size());
        assertEquals(1000, plan.users().size());
        assertEquals(1000, new HashSet<>(plan.users()).size());
        assertEquals(0, plan.replayCount());
        for (int i = 0; i < plan.size(); i++) {
            Plan.Attempt a = plan.attempts().get(i);
            assertEquals(plan.users().get(i), a.userId());
            assertTrue(a.key().matches("[A-Za-z0-9_-]{1,64}"), a.key());
        }
        assertTrue(Collections.disjoint(
                plan.users(), Plan.distinct("r3", "c", 1000).users()));
    }
}
