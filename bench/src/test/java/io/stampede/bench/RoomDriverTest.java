package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoomDriverTest {

    private static final double NONE = Double.NaN;

    @Test
    void theCostOfAFrameIsWhatTheStreamsAddOverTheQuietCrowdPerFrame() {
        List<RoomDriver.Window> windows = List.of(
                window(1, "Q", 0.10, NONE, NONE, NONE),
                window(1, "F", 0.30, NONE, 10_000, NONE),
                window(1, "P", 0.80, NONE, 10_000, 2_500),
                window(2, "Q", 0.12, NONE, NONE, NONE),
                window(2, "F", 0.52, NONE, 10_000, NONE),
                window(2, "P", 1.02, NONE, 10_000, 5_000));
        // (0.30 - 0.10) cores over 10,000 frames/s: 20 µs a frame; round 2: 40 µs
        assertArrayEquals(new double[] {20, 40}, RoomDriver.microsPerFrame(windows), 1e-9);
        // (0.80 - 0.30) cores over 2,500 polls/s: 200 µs a poll; round 2: 100 µs
        assertArrayEquals(new double[] {200, 100}, RoomDriver.microsPerPoll(windows), 1e-9);
    }

    @Test
    void purchasesWithTheCrowdAreComparedRoundByRound() {
        List<RoomDriver.Window> windows = List.of(
                window(1, "A", 1.0, 1_000, NONE, NONE),
                window(1, "B", 1.0, 900, 10_000, 3_333),
                window(2, "A", 1.0, 800, NONE, NONE),
                window(2, "B", 1.0, 800, 10_000, 3_333),
                window(3, "A", 1.0, 1_000, NONE, NONE));
        double[] ratios = RoomDriver.purchaseRatios(windows);
        assertEquals(3, ratios.length);
        assertEquals(0.9, ratios[0], 1e-9);
        assertEquals(1.0, ratios[1], 1e-9);
        assertTrue(Double.isNaN(ratios[2])); // a round without its B
    }

    @Test
    void aRoundWithoutPollsOrFramesHasNoCostPerEvent() {
        List<RoomDriver.Window> windows =
                List.of(window(1, "Q", 0.1, NONE, NONE, NONE), window(1, "F", 0.2, NONE, 0, NONE));
        assertTrue(Double.isNaN(RoomDriver.microsPerFrame(windows)[0]));
        assertTrue(Double.isNaN(RoomDriver.microsPerPoll(windows)[0]));
    }

    private static RoomDriver.Window window(
            int round, String name, double serverCores, double purchases, double frames, double polls) {
        return new RoomDriver.Window(
                round,
                name,
                serverCores,
                0.01,
                0.1,
                NONE,
                1.5,
                purchases,
                5,
                20,
                0,
                frames,
                polls,
                NONE,
                0,
                400,
                300,
                "");
    }
}
