package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomPlanTest {

    @Test
    void theSaleStartsWhenTheJoinsShouldBeDone() {
        // 90,000 joins at twice the calibration's 1,000 a second, plus the slack
        assertEquals(Duration.ofSeconds(55), RoomPlan.startsIn(90_000, 0, 1_000));
        assertEquals(Duration.ofSeconds(11), RoomPlan.startsIn(1, 0, 1_000));
        assertEquals(Duration.ofSeconds(12), RoomPlan.startsIn(2_001, 0, 1_000));
        // given, it is what it says; without a rate, or at a crawl, at most the latest start
        assertEquals(Duration.ofSeconds(40), RoomPlan.startsIn(100_000, 40, 2_500));
        assertEquals(RoomPlan.LATEST_START, RoomPlan.startsIn(100_000, 0, Double.NaN));
        assertEquals(RoomPlan.LATEST_START, RoomPlan.startsIn(100_000, 0, 0));
        assertEquals(RoomPlan.LATEST_START, RoomPlan.startsIn(100_000, 0, 1));
    }

    @Test
    void theCalibrationJoinsHalfAsManyAsTheWarmUpAtLeastAThousand() {
        assertEquals(2_500, RoomPlan.calibrationJoins(5_000));
        assertEquals(1_000, RoomPlan.calibrationJoins(1));
    }

    @Test
    void everyShopperOncePerIntervalIsTheirNumberOverIt() {
        assertEquals(3_333.33, RoomPlan.pollRate(100_000, 30), 0.01);
        assertEquals(100.0, RoomPlan.pollRate(100, 1), 1e-9);
    }

    @Test
    void placesAreLetThroughWholeAtTheRate() {
        assertEquals(0, RoomPlan.admitted(Duration.ofSeconds(-3), 50));
        assertEquals(0, RoomPlan.admitted(Duration.ZERO, 50));
        assertEquals(0, RoomPlan.admitted(Duration.ofMillis(19), 50));
        assertEquals(1, RoomPlan.admitted(Duration.ofMillis(20), 50));
        assertEquals(500, RoomPlan.admitted(Duration.ofSeconds(10), 50));
        // and the other way round: place p is through once p places are
        assertEquals(Duration.ofMillis(20), RoomPlan.admittedAfter(1, 50));
        assertEquals(Duration.ofSeconds(10), RoomPlan.admittedAfter(500, 50));
        assertEquals(Duration.ofMillis(334), RoomPlan.admittedAfter(1, 3));
        for (long place = 1; place < 2_000; place += 37) {
            Duration after = RoomPlan.admittedAfter(place, 7);
            assertTrue(RoomPlan.admitted(after, 7) >= place);
            assertTrue(RoomPlan.admitted(after.minusMillis(1), 7) < place);
        }
    }

    @Test
    void buyersTakeTurnsAndNoneGoesPastTheLimit() {
        int buyers = 4;
        int limit = 3;
        // the first round of purchases goes to places 0..3, one each, then again, until each has 3
        assertEquals(0, RoomPlan.buyerPlace(0, buyers, limit));
        assertEquals(3, RoomPlan.buyerPlace(3, buyers, limit));
        assertEquals(0, RoomPlan.buyerPlace(4, buyers, limit));
        assertEquals(3, RoomPlan.buyerPlace(11, buyers, limit));
        // then places 4..7 take over
        assertEquals(4, RoomPlan.buyerPlace(12, buyers, limit));
        assertEquals(7, RoomPlan.buyerPlace(23, buyers, limit));
        assertEquals(8, RoomPlan.buyerPlace(24, buyers, limit));
        Map<Integer, Integer> made = new HashMap<>();
        for (long p = 0; p < 1_000; p++) {
            made.merge(RoomPlan.buyerPlace(p, buyers, limit), 1, Integer::sum);
        }
        assertTrue(made.values().stream().allMatch(n -> n <= limit));
        // the defaults: 200 buyers of 1,000 each before the 201st place buys at all
        assertEquals(199, RoomPlan.buyerPlace(199_999, 200, RoomPlan.PER_USER_LIMIT));
        assertEquals(200, RoomPlan.buyerPlace(200_000, 200, RoomPlan.PER_USER_LIMIT));
    }

    @Test
    void theRoomOrderFollowsThePlacesAndPutsTheUnknownLast() {
        assertArrayEquals(new int[] {2, 0, 3, 1}, RoomPlan.roomOrder(new long[] {2, 0, 1, 3}));
        assertArrayEquals(new int[] {1, 0}, RoomPlan.roomOrder(new long[] {0, 0 + 5}));
    }

    @Test
    void placesMustBeOneToNOnceEach() {
        assertEquals(List.of(), RoomPlan.placeProblems(new long[] {3, 1, 2}));
        assertEquals(
                List.of(
                        "1 shoppers had no place after admission started",
                        "1 places were beyond the 4 shoppers",
                        "1 places were given to more than one shopper"),
                RoomPlan.placeProblems(new long[] {1, 0, 9, 1}));
    }

    @Test
    void readsARoomStatus() {
        RoomPlan.Place waiting = RoomPlan.parse(
                "{\"saleId\":\"s\",\"userId\":\"u1\",\"state\":\"WAITING\","
                        + "\"joinedAt\":\"2026-12-02T10:00:00Z\",\"randomized\":true,\"place\":null,\"ahead\":null,"
                        + "\"estimatedWait\":null,\"admitted\":0,\"waiting\":5,\"admitPerSecond\":50,"
                        + "\"admissionStartsAt\":\"2026-12-02T10:01:00Z\",\"admissionToken\":null,\"admissionExpiresAt\":null}");
        assertEquals("WAITING", waiting.state());
        assertEquals(0, waiting.place());
        assertNull(waiting.admissionToken());
        RoomPlan.Place admitted = RoomPlan.parse("{\"state\":\"ADMITTED\",\"place\":1834,\"ahead\":0,"
                + "\"admissionToken\":\"eyJhIjoxfQ.c2ln\",\"admissionExpiresAt\":\"2026-12-02T11:00:00Z\"}");
        assertEquals("ADMITTED", admitted.state());
        assertEquals(1834, admitted.place());
        assertEquals("eyJhIjoxfQ.c2ln", admitted.admissionToken());
        assertEquals("", RoomPlan.parse("").state());
    }
}
