package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaults() {
        Options o = Options.parse();
        assertEquals(URI.create("http://localhost:8080"), o.url());
        assertEquals(100, o.stock());
        assertEquals(2000, o.attempts());
        assertEquals(200, o.replayCount());
        assertEquals("REDIS_LUA", o.strategy());
        assertNull(o.jwtSecret());
    }

    @Test
    void bothFlagForms() {
        Options o = Options.parse("--stock=5", "--intake", "queued", "--url", "http://127.0.0.1:9090/");
        assertEquals(5, o.stock());
        assertEquals("QUEUED", o.intake());
        assertEquals(URI.create("http://127.0.0.1:9090"), o.url());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(Options.UsageException.class, () -> Options.parse("--stock", "0"));
        assertThrows(Options.UsageException.class, () -> Options.parse("--replays", "1"));
        assertThrows(Options.UsageException.class, () -> Options.parse("--strategy", "MAGIC"));
        assertThrows(Options.UsageException.class, () -> Options.parse("--nope"));
        assertThrows(Options.UsageException.class, () -> Options.parse("--users"));
        assertThrows(Options.UsageException.class, () -> Options.parse("--url", "ftp://x"));
    }

    @Test
    void helpWins() {
        assertTrue(Options.parse("--stock", "0", "--help").help());
    }

    @Test
    void replaysLeaveAFreshAttempt() {
        assertEquals(0, Options.parse("--attempts", "1", "--replays", "0.9").replayCount());
    }

    @Test
    void overloadModeFlags() {
        Options o = Options.parse("--mode", "OVERLOAD", "--factor", "2.5", "--seconds", "3");
        assertTrue(o.overload());
        assertEquals(2.5, o.factor());
        assertEquals(3, o.seconds());
        assertEquals(5, o.calibrationSeconds());
        assertEquals(64, o.calibrationConcurrency());
        assertFalse(Options.parse().overload());
        assertEquals(10, Options.parse("--mode", "overload").factor());
        assertEquals(512, Options.parse("--mode", "overload").maxInFlight());
    }

    @Test
    void theOverloadGoesThroughAProxyOnlyWhenOneIsGiven() {
        Options direct = Options.parse("--mode", "overload", "--url", "http://127.0.0.1:18080");
        assertEquals(direct.url(), direct.overloadUrl());
        Options proxied = Options.parse(
                "--mode", "overload", "--url", "http://127.0.0.1:18080", "--overload-url", "http://127.0.0.1:18081");
        assertEquals(java.net.URI.create("http://127.0.0.1:18081"), proxied.overloadUrl());
        assertEquals(
                java.net.URI.create("http://127.0.0.1:18080"),
                proxied.withSale(5, 1).url());
        assertEquals(proxied.overloadUrl(), proxied.withSale(5, 1).overloadUrl());
        assertThrows(Options.UsageException.class, () -> Options.parse("--overload-url", "http://127.0.0.1:1"));
    }

    @Test
    void flagsOfTheOtherModeAreRejectedNotIgnored() {
        assertThrows(Options.UsageException.class, () -> Options.parse("--mode", "overload", "--stock", "5"));
        assertThrows(Options.UsageException.class, () -> Options.parse("--factor", "5"));
        assertThrows(Options.UsageException.class, () -> Options.parse("--mode", "overload", "--factor", "0"));
        assertThrows(Options.UsageException.class, () -> Options.parse("--mode", "sideways"));
    }

    @Test
    void withSaleKeepsEverythingElse() {
        Options o = Options.parse("--mode", "overload", "--concurrency", "7").withSale(1234, 1);
        assertEquals(1234, o.stock());
        assertEquals(1, o.limit());
        assertEquals(7, o.concurrency());
        assertTrue(o.overload());
    }
}
