package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareOptionsTest {

    @Test
    void defaultsAreTheIssuesComparison() {
        CompareOptions o = CompareOptions.parse("--mode", "compare");
        assertEquals(List.of("postgresql", "mariadb"), o.databases());
        assertEquals(CompareOptions.ALL_STRATEGIES, o.strategies());
        assertEquals(List.of(10, 50, 200, 1000), o.concurrencies());
        assertEquals(1000, o.stock());
        assertEquals(20000, o.buyers());
        assertEquals(56, o.runCount());
        assertFalse(o.quick());
    }

    @Test
    void quickChangesOnlyTheFlagsNotGiven() {
        CompareOptions o =
                CompareOptions.parse("--mode=compare", "--quick", "--strategies", "redis_lua", "--buyers=3000");
        assertTrue(o.quick());
        assertEquals(List.of("postgresql"), o.databases());
        assertEquals(List.of("REDIS_LUA"), o.strategies());
        assertEquals(List.of(10, 50), o.concurrencies());
        assertEquals(200, o.stock());
        assertEquals(3000, o.buyers());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(
                Options.UsageException.class, () -> CompareOptions.parse("--mode", "compare", "--databases", "oracle"));
        assertThrows(
                Options.UsageException.class, () -> CompareOptions.parse("--mode", "compare", "--strategies", "MAGIC"));
        assertThrows(
                Options.UsageException.class,
                () -> CompareOptions.parse("--mode", "compare", "--concurrencies", "10,10"));
        assertThrows(
                Options.UsageException.class, () -> CompareOptions.parse("--mode", "compare", "--db-name", "x; drop"));
        assertThrows(Options.UsageException.class, () -> CompareOptions.parse("--mode", "compare", "--stock", "0"));
        assertThrows(Options.UsageException.class, () -> CompareOptions.parse("--mode", "compare", "--attempts", "5"));
    }

    @Test
    void recognisesTheMode() {
        assertTrue(CompareOptions.requested("--mode", "compare"));
        assertTrue(CompareOptions.requested("--quick", "--mode=COMPARE"));
        assertFalse(CompareOptions.requested("--mode", "burst"));
        assertFalse(CompareOptions.requested());
    }

    @Test
    void serverUrlReplacesTheAdminDatabase() {
        assertEquals(
                "jdbc:postgresql://127.0.0.1:5432/stampede_bench",
                BenchDatabase.serverUrl("jdbc:postgresql://127.0.0.1:5432/postgres", "stampede_bench"));
        assertEquals(
                "jdbc:mariadb://127.0.0.1:3306/stampede_bench",
                BenchDatabase.serverUrl("jdbc:mariadb://127.0.0.1:3306/", "stampede_bench"));
        assertEquals(
                "jdbc:mariadb://db:3306/stampede_bench?sslMode=disable",
                BenchDatabase.serverUrl("jdbc:mariadb://db:3306?sslMode=disable", "stampede_bench"));
    }

    @Test
    void estimateMentionsTheCap() {
        CompareDriver driver = new CompareDriver(CompareOptions.parse("--mode", "compare"), new String[0], System.out);
        String estimate = driver.estimate();
        assertTrue(estimate.contains("56 runs"), estimate);
        assertTrue(estimate.contains("--run-seconds 40"), estimate);
    }

    @Test
    void readmeSectionIsReplacedBetweenTheMarkers(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(
                readme, "intro\n" + CompareDriver.README_START + "\nold\n" + CompareDriver.README_END + "\noutro\n");
        assertTrue(
                CompareDriver.updateReadme(readme, CompareDriver.README_START + "\nnew\n" + CompareDriver.README_END));
        assertEquals(
                "intro\n" + CompareDriver.README_START + "\nnew\n" + CompareDriver.README_END + "\noutro\n",
                Files.readString(readme));
        Path bare = dir.resolve("bare.md");
        Files.writeString(bare, "no markers");
        assertFalse(CompareDriver.updateReadme(bare, "x"));
    }
}
