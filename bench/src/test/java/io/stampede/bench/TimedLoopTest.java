package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class TimedLoopTest {

    @Test
    void everyIndexIsSentOnceAndSuccessesAndOtherAnswersHaveTheirOwnLatencies() {
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        // no warm-up and a window far longer than the requests take: the bound on requests ends the loop
        TimedLoop.Result r = TimedLoop.run(
                8,
                Duration.ZERO,
                Duration.ofMinutes(5),
                1_000,
                status -> status == 201,
                index -> {
                    seen.add(index);
                    return index % 10 == 0
                            ? new Burst.Outcome(409, "SOLD_OUT", null)
                            : new Burst.Outcome(201, null, "o" + index);
                },
                Deadline.in(Duration.ofMinutes(1)));
        assertEquals(1_000, seen.size());
        assertEquals(1_000, r.sent());
        assertEquals(1_000, r.answered());
        assertEquals(900, r.successes());
        assertEquals(900, r.latencyMicros().getTotalCount());
        assertEquals(100, r.otherLatencyMicros().getTotalCount());
        assertEquals(Map.of("201", 900L, "409 SOLD_OUT", 100L), r.answers());
        assertEquals(Map.of("409 SOLD_OUT", 100L), r.failures(status -> status == 201));
        assertFalse(r.answers().containsKey("cancelled"));
    }

    @Test
    void kindsOfAnswers() {
        assertEquals("200", TimedLoop.kind(new Burst.Outcome(200, null, null)));
        assertEquals(
                "transport error IOException",
                TimedLoop.kind(new Burst.Outcome(Burst.Outcome.TRANSPORT_ERROR, "IOException", null)));
        assertEquals(429, TimedLoop.statusOf("429 RATE_LIMITED"));
        assertEquals(-1, TimedLoop.statusOf("transport error IOException"));
        assertEquals(-1, TimedLoop.statusOf("cancelled"));
    }
}
