package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class AbSummaryTest {

    private static AbSummary.Measurement m(int round, String side, double rate) {
        return new AbSummary.Measurement(
                round,
                side,
                side.toUpperCase(Locale.ROOT),
                true,
                rate,
                2.0,
                9.0,
                ((long) rate) * 10,
                10,
                500 - rate,
                0,
                0,
                "");
    }

    @Test
    void mediansAndRatios() {
        List<AbSummary.Measurement> all =
                List.of(m(1, "a", 100), m(1, "b", 110), m(2, "b", 90), m(2, "a", 100), m(3, "a", 300), m(3, "b", 330));
        assertEquals(
                100.0,
                AbSummary.median(all, "a", AbSummary.Measurement::winnersPerSecond)
                        .orElseThrow());
        assertEquals(
                110.0,
                AbSummary.median(all, "b", AbSummary.Measurement::winnersPerSecond)
                        .orElseThrow());
        List<Double> ratios = AbSummary.roundRatios(all, 3);
        assertEquals(3, ratios.size());
        assertEquals(1.1, ratios.get(0), 1e-9);
        assertEquals(0.9, ratios.get(1), 1e-9);
        assertEquals(1.1, ratios.get(2), 1e-9);
        String text = AbSummary.text(all, "A", "B", 3);
        assertTrue(text.contains("winners/s 1.100"), text);
        assertTrue(text.contains("per round     B/A 1.100, 0.900, 1.100  (min 0.900, max 1.100)"), text);
        assertTrue(text.contains("server CPU per answer 0.975"), text); // medians 390 µs / 400 µs
    }

    @Test
    void aFailedMeasurementLeavesItsRoundOutOfTheRatios() {
        List<AbSummary.Measurement> all = List.of(
                m(1, "a", 100),
                AbSummary.Measurement.failed(1, "b", "B", "setup: no jar"),
                m(2, "b", 120),
                m(2, "a", 100));
        assertEquals(List.of(1.2), AbSummary.roundRatios(all, 2));
        assertEquals(
                120.0,
                AbSummary.median(all, "b", AbSummary.Measurement::winnersPerSecond)
                        .orElseThrow());
        assertTrue(AbSummary.line(all.get(1)).contains("FAILED: setup: no jar"));
        assertTrue(AbSummary.text(all, "A", "B", 2).contains("B 1 of 2"));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, AbSummary.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertEquals(3.0, AbSummary.median(List.of(3.0)));
        assertTrue(Double.isNaN(AbSummary.median(List.of())));
    }

    @Test
    void readCostComparesMedians() {
        List<ReadCostSummary.Sample> big =
                List.of(sample("BIG", 1, 100, 8), sample("BIG", 2, 120, 6), sample("BIG", 3, 110, 7));
        List<ReadCostSummary.Sample> small =
                List.of(sample("SMALL", 1, 1000, 1), sample("SMALL", 2, 1100, 1), sample("SMALL", 3, 1000, 1));
        String text = ReadCostSummary.compare("t", "BIG", big, "SMALL", small);
        assertTrue(text.contains("BIG/SMALL     req/s 0.110  p50 7.00"), text);
        assertTrue(text.contains("(req/s per pair of bursts: 0.100, 0.109, 0.110)"), text);
    }

    @Test
    void theListingRelativeToSmallCancelsWhatSlowsBoth() {
        // before: the listing at half SMALL's rate; after: everything twice as fast (a warmer JVM), listing and SMALL
        // alike: relative to SMALL the listing has not changed, although its raw rate doubled
        List<ReadCostSummary.Sample> listBefore = List.of(sample("L", 1, 500, 4));
        List<ReadCostSummary.Sample> smallBefore = List.of(sample("S", 1, 1000, 2));
        List<ReadCostSummary.Sample> listAfter = List.of(sample("L", 1, 1000, 2));
        List<ReadCostSummary.Sample> smallAfter = List.of(sample("S", 1, 2000, 1));
        String text = ReadCostSummary.relative("after/before", listAfter, smallAfter, listBefore, smallBefore);
        assertTrue(text.startsWith("after/before  req/s 1.000 relative to GET SMALL"), text);
        assertTrue(text.contains("(listing/SMALL req/s: 0.500 before, 0.500 after)"), text);
    }

    private static ReadCostSummary.Sample sample(String subject, int burst, double rate, double p50) {
        return new ReadCostSummary.Sample(subject, burst, rate, p50, p50 * 2, ((long) rate) * 5, 0, false);
    }
}
