package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompareTableTest {

    static final List<CompareRow> ROWS = List.of(
            new CompareRow(
                    "postgresql", "REDIS_LUA", 10, true, 4000, 2.345, 12.5, 1000, 19000, 0, 0, 0, 0, 0L, 5.0, ""),
            new CompareRow("postgresql", "REDIS_LUA", 50, true, 5000, 9.5, 40, 1000, 19000, 0, 0, 0, 0, 0L, 4.0, ""),
            new CompareRow(
                    "postgresql", "DB_OPTIMISTIC", 10, true, 1000, 8, 30, 990, 18000, 0, 1010, 0, 0, 0L, 20.0, "a | b"),
            CompareRow.failed("postgresql", "DB_OPTIMISTIC", 50, "sale not created: HTTP 400 VALIDATION"));

    @Test
    void markdownHasAHeaderASeparatorAndOneLinePerRow() {
        String md = CompareTable.markdown(ROWS);
        List<String> lines = md.lines().toList();
        assertEquals(2 + ROWS.size(), lines.size());
        assertTrue(
                lines.get(0).startsWith("| database | strategy | concurrency | attempts/s | p50 ms | p99 ms |"),
                lines.get(0));
        long columns = lines.get(0).chars().filter(c -> c == '|').count();
        for (String line : lines) {
            // escaped pipes inside cells do not count as column separators
            assertEquals(
                    columns,
                    line.replace("\\|", "").chars().filter(c -> c == '|').count(),
                    line);
        }
        assertTrue(lines.get(1).contains("---: |"));
        assertTrue(lines.get(2).contains("| 4,000 | 2.35 | 12.5 | 1000 | 19000 |"), lines.get(2));
        assertTrue(lines.get(4).contains("a \\| b"), lines.get(4));
        assertTrue(lines.get(5).contains("| — | — | — |") && lines.get(5).contains("| n/a |"), lines.get(5));
    }

    @Test
    void textTableAlignsColumns() {
        List<String> lines = CompareTable.text(ROWS).lines().toList();
        assertEquals(1 + ROWS.size(), lines.size());
        int at = lines.get(0).indexOf("attempts/s") + "attempts/s".length();
        // right-aligned numbers end where their header ends
        assertEquals(at, lines.get(1).indexOf("4,000") + "4,000".length());
        assertEquals(at, lines.get(3).indexOf("1,000") + "1,000".length());
    }

    @Test
    void csvHasTheHeaderAndQuotesCells() {
        List<String> lines = CompareTable.csv(ROWS).lines().toList();
        assertEquals(String.join(",", CompareTable.CSV_HEADER), lines.get(0));
        assertEquals("postgresql,REDIS_LUA,10,true,4000.0,2.345,12.500,1000,19000,0,0,0,0,0,5.000,", lines.get(1));
        assertTrue(lines.get(4).endsWith(",0,0,0,0,0,0,,0.000,sale not created: HTTP 400 VALIDATION"), lines.get(4));
        assertEquals(CompareTable.CSV_HEADER.size(), lines.get(1).split(",", -1).length);
    }

    @Test
    void ratiosAreRelativeToRedisLua() {
        String ratios = CompareTable.ratios(ROWS);
        assertTrue(ratios.contains("| REDIS_LUA | 1.00× | 1.00× |"), ratios);
        assertTrue(ratios.contains("| DB_OPTIMISTIC | 0.25× | failed |"), ratios);
        assertTrue(ratios.contains("PostgreSQL"), ratios);
    }

    @Test
    void ratiosNameFastestAndSlowestAtTheTopConcurrency() {
        List<CompareRow> rows = List.of(
                new CompareRow("mariadb", "REDIS_LUA", 1000, true, 3000, 1, 2, 1, 1, 0, 0, 0, 0, 0L, 1, ""),
                new CompareRow("mariadb", "DB_PESSIMISTIC", 1000, true, 300, 1, 2, 1, 1, 0, 0, 0, 0, 0L, 1, ""));
        String ratios = CompareTable.ratios(rows);
        assertTrue(
                ratios.contains("At concurrency 1000 on MariaDB, REDIS_LUA answered 3,000 attempts/s, 10.0 times"
                        + " as many as the slowest, DB_PESSIMISTIC (300/s)."),
                ratios);
    }

    @Test
    void nothingMeasuredMeansNoRatios() {
        assertEquals("", CompareTable.ratios(List.of(CompareRow.failed("mariadb", "REDIS_LUA", 10, "down"))));
    }
}
