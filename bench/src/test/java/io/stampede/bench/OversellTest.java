package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OversellTest {

    private static List<Oversell.Placed> orders(int n) {
        List<Oversell.Placed> placed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            placed.add(new Oversell.Placed("u" + i, "o" + i, 1));
        }
        return placed;
    }

    @Test
    void exactlyTheStockIsNotOversold() {
        Oversell.Result r = Oversell.compute(10, 1, orders(10), new Oversell.Figures(10, 0, 10, 0));
        assertEquals(0, r.units());
        assertTrue(r.notes().isEmpty(), r.notes().toString());
    }

    @Test
    void placedBeyondTheStockIsOversold() {
        Oversell.Result r = Oversell.compute(10, 1, orders(13), new Oversell.Figures(10, 0, 10, 0));
        assertEquals(3, r.beyondStock());
        assertEquals(3, r.units());
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("13 units placed")),
                r.notes().toString());
    }

    @Test
    void figuresBeyondTheCreatedStockAreOversoldEvenWhenTheTotalAgrees() {
        // the server claims total 12 for a sale created with 10: the created stock is what counts
        Oversell.Result r = Oversell.compute(10, 1, orders(5), new Oversell.Figures(12, 0, 7, 5));
        assertEquals(2, r.units());
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("created with 10")),
                r.notes().toString());
    }

    @Test
    void negativeAvailableIsOversold() {
        Oversell.Result r = Oversell.compute(10, 1, orders(10), new Oversell.Figures(10, -4, 10, 0));
        assertEquals(4, r.units());
        assertTrue(
                r.notes().stream().anyMatch(n -> n.contains("does not add up")),
                r.notes().toString());
    }

    @Test
    void ordersOfOneUserBeyondTheLimitCount() {
        List<Oversell.Placed> placed = new ArrayList<>(orders(3));
        placed.add(new Oversell.Placed("u0", "extra1", 1));
        placed.add(new Oversell.Placed("u0", "extra2", 1));
        Oversell.Result r = Oversell.compute(100, 1, placed, null);
        assertEquals(0, r.beyondStock());
        assertEquals(2, r.beyondLimit());
        assertEquals(2, r.units());
    }

    @Test
    void aReplayedOrderIdIsOneOrder() {
        List<Oversell.Placed> placed = new ArrayList<>(orders(10));
        placed.add(new Oversell.Placed("u0", "o0", 1));
        Oversell.Result r = Oversell.compute(10, 1, placed, null);
        assertEquals(0, r.units());
    }

    @Test
    void quantitiesAreUnits() {
        Oversell.Result r = Oversell.compute(
                5, 3, List.of(new Oversell.Placed("a", "o1", 3), new Oversell.Placed("b", "o2", 3)), null);
        assertEquals(1, r.beyondStock());
        assertEquals(0, r.beyondLimit());
    }

    @Test
    void undersellIsNotOversell() {
        Oversell.Result r = Oversell.compute(10, 1, orders(4), new Oversell.Figures(10, 6, 4, 0));
        assertEquals(0, r.units());
        assertTrue(r.notes().isEmpty());
    }
}
