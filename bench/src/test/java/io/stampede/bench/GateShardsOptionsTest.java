package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GateShardsOptionsTest {

    @Test
    void defaults() {
        GateShardsOptions o =
                GateShardsOptions.parse("--mode", "gate-shards", "--cluster", "127.0.0.1:7101, 127.0.0.1:7102");
        assertEquals(List.of("127.0.0.1:7101", "127.0.0.1:7102"), o.nodes());
        assertEquals(Path.of("server/src/main/resources/lua/purchase_gate.lua"), o.script());
        assertEquals(List.of(1, 3), o.segments());
        assertEquals(256, o.concurrency());
        assertEquals(10, o.seconds());
        assertEquals(3, o.rounds());
        assertFalse(o.help());
        assertTrue(GateShardsOptions.requested("--mode=gate-shards"));
        assertFalse(GateShardsOptions.requested("--mode", "read-cost"));
    }

    @Test
    void refusesWhatCannotRun() {
        assertThrows(Options.UsageException.class, () -> GateShardsOptions.parse("--mode", "gate-shards"));
        assertThrows(
                Options.UsageException.class,
                () -> GateShardsOptions.parse("--mode", "gate-shards", "--cluster", "h:1", "--segments", "1,x"));
        assertThrows(
                Options.UsageException.class,
                () -> GateShardsOptions.parse("--mode", "gate-shards", "--cluster", "h:1", "--segments", "0,3"));
        assertEquals(
                List.of(1, 2, 6),
                GateShardsOptions.parse("--mode", "gate-shards", "--cluster", "h:1", "--segments", "1,2,6")
                        .segments());
    }

    @Test
    void segmentsFallInDifferentThirdsOfTheSlotSpace() {
        String[] ids = GateShardsDriver.spread("sale-1", 3);
        Set<Integer> thirds = new HashSet<>();
        for (String id : ids) {
            thirds.add(SlotHash.getSlot("bench:{sale:" + id + "}:gate") / (SlotHash.SLOT_COUNT / 3 + 1));
        }
        assertEquals(3, thirds.size());
        assertNotEquals(ids[0], ids[1]);
        assertEquals("sale-1", ids[0]);
    }
}
