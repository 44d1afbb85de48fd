package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReadCostOptionsTest {

    @Test
    void againstARunningService() {
        ReadCostOptions o = ReadCostOptions.parse(
                "--mode", "read-cost", "--url", "http://127.0.0.1:8080/", "--admin-token", "t", "--jwt-secret", "s");
        assertEquals(URI.create("http://127.0.0.1:8080"), o.url());
        assertEquals("t", o.adminToken());
        assertEquals(Path.of("./.stampede/admin-token"), o.adminTokenFile());
        assertEquals("s", o.jwtSecret());
        assertFalse(o.startsServer());
        assertNull(o.server());
        assertEquals(100_000, o.orders());
        assertEquals(200, o.buyConcurrency());
        assertEquals(16, o.concurrency());
        assertEquals(5, o.seconds());
        assertEquals(3, o.bursts());
        assertFalse(o.help());
    }

    @Test
    void withAJarOfItsOwn() {
        ReadCostOptions o = ReadCostOptions.parse(
                "--mode=read-cost",
                "--jar",
                "/tmp/s.jar",
                "--orders",
                "20_000",
                "--db",
                "mariadb",
                "--seconds=2",
                "--concurrency",
                "8");
        assertTrue(o.startsServer());
        assertEquals(Path.of("/tmp/s.jar"), o.jar());
        assertNull(o.url());
        assertEquals(20_000, o.orders());
        assertEquals(2, o.seconds());
        assertEquals(8, o.concurrency());
        assertEquals("mariadb", o.server().database().kind());
    }

    @Test
    void exactlyOneTarget() {
        assertThrows(Options.UsageException.class, () -> ReadCostOptions.parse("--mode", "read-cost"));
        assertThrows(
                Options.UsageException.class,
                () -> ReadCostOptions.parse("--mode", "read-cost", "--url", "http://127.0.0.1:8080", "--jar", "s.jar"));
    }

    @Test
    void flagsOfTheOtherTargetAreRejectedNotIgnored() {
        assertThrows(
                Options.UsageException.class,
                () -> ReadCostOptions.parse(
                        "--mode", "read-cost", "--url", "http://127.0.0.1:8080", "--db", "mariadb"));
        assertThrows(
                Options.UsageException.class,
                () -> ReadCostOptions.parse(
                        "--mode", "read-cost", "--url", "http://127.0.0.1:8080", "--jvm-options", "-Xmx1g"));
        assertThrows(
                Options.UsageException.class,
                () -> ReadCostOptions.parse("--mode", "read-cost", "--jar", "s.jar", "--jwt-secret", "s"));
        assertThrows(
                Options.UsageException.class,
                () -> ReadCostOptions.parse("--mode", "read-cost", "--jar", "s.jar", "--admin-token-file", "f"));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(Options.UsageException.class, () -> jar("--orders", "0"));
        assertThrows(Options.UsageException.class, () -> jar("--orders", "2000000"));
        assertThrows(Options.UsageException.class, () -> jar("--bursts", "0"));
        assertThrows(Options.UsageException.class, () -> jar("--rounds", "3"));
        assertThrows(
                Options.UsageException.class, () -> ReadCostOptions.parse("--mode", "read-cost", "--url", "ftp://x"));
        assertThrows(
                Options.UsageException.class,
                () -> ReadCostOptions.parse(
                        "--mode", "read-cost", "--url", "http://127.0.0.1:8080", "--jwt-secret", ""));
    }

    @Test
    void helpAndTheMode() {
        assertTrue(ReadCostOptions.parse("--mode", "read-cost", "--help").help());
        assertTrue(ReadCostOptions.usage().contains("--orders N"));
        assertTrue(ReadCostOptions.requested("--mode", "READ-COST"));
        assertTrue(ReadCostOptions.requested("--mode=read-cost"));
        assertFalse(ReadCostOptions.requested("--mode", "ab"));
    }

    @Test
    void onlyUndecidedPurchasesAreSentAgain() {
        assertTrue(ReadCostDriver.retry(new Burst.Outcome(429, "RATE_LIMITED", null)));
        assertTrue(ReadCostDriver.retry(new Burst.Outcome(503, "UNAVAILABLE", null)));
        assertTrue(ReadCostDriver.retry(new Burst.Outcome(Burst.Outcome.TRANSPORT_ERROR, "IOException", null)));
        assertTrue(ReadCostDriver.retry(new Burst.Outcome(Burst.Outcome.NOT_SENT, "deadline", null)));
        assertFalse(ReadCostDriver.retry(new Burst.Outcome(409, "SOLD_OUT", null)));
        assertFalse(ReadCostDriver.retry(new Burst.Outcome(400, "VALIDATION", null)));
    }

    @Test
    void steadyMeansWithinATenthOfTheRoundBefore() {
        assertTrue(ReadCostDriver.steady(1000, 1090));
        assertTrue(ReadCostDriver.steady(1000, 910));
        assertFalse(ReadCostDriver.steady(1000, 1200));
        assertFalse(ReadCostDriver.steady(0, 0));
    }

    private static ReadCostOptions jar(String... more) {
        String[] args = new String[more.length + 4];
        System.arraycopy(new String[] {"--mode", "read-cost", "--jar", "s.jar"}, 0, args, 0, 4);
        System.arraycopy(more, 0, args, 4, more.length);
        return ReadCostOptions.parse(args);
    }
}
