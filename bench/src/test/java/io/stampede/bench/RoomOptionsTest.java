package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RoomOptionsTest {

    @Test
    void defaults() {
        RoomOptions o = RoomOptions.parse("--mode", "room");
        assertEquals(Path.of("server/target/stampede.jar"), o.jar());
        assertEquals(100_000, o.shoppers());
        assertEquals(64, o.joinConcurrency());
        assertEquals(5_000, o.joinWarmup());
        assertEquals(0, o.startsInSeconds());
        assertEquals(50, o.admitPerSecond());
        assertEquals(10_000_000, o.stock());
        assertEquals(10_000, o.subscribers());
        assertEquals(30, o.pollEverySeconds());
        assertEquals(64, o.pollConnections());
        assertEquals(200, o.concurrency());
        assertEquals(3, o.rounds());
        assertEquals(10, o.seconds());
        assertEquals(5, o.warmupSeconds());
        assertEquals(10, o.informSeconds());
        assertEquals(20, o.initialWarmupSeconds());
        assertNull(o.output());
        assertFalse(o.help());
        assertEquals("postgresql", o.server().database().kind());
        // every waiting shopper once per 30 s
        assertEquals(100_000 / 30.0, o.pollRate(), 1e-9);
    }

    @Test
    void everyFlag() {
        RoomOptions o = RoomOptions.parse(
                "--mode=ROOM",
                "--jar",
                "x.jar",
                "--shoppers",
                "20_000",
                "--join-concurrency",
                "32",
                "--join-warmup",
                "1000",
                "--starts-in-seconds",
                "40",
                "--admit-per-second",
                "120",
                "--stock",
                "5000",
                "--subscribers",
                "2000",
                "--subscriber-threads",
                "2",
                "--open-in-flight",
                "128",
                "--open-seconds",
                "60",
                "--poll-every-seconds",
                "10",
                "--poll-connections",
                "16",
                "--sweep-concurrency",
                "8",
                "--concurrency",
                "50",
                "--rounds",
                "1",
                "--seconds",
                "7",
                "--warmup-seconds",
                "0",
                "--inform-seconds",
                "4",
                "--initial-warmup-seconds",
                "0",
                "--output",
                "/tmp/room.md",
                "--db",
                "mariadb");
        assertEquals(Path.of("x.jar"), o.jar());
        assertEquals(20_000, o.shoppers());
        assertEquals(32, o.joinConcurrency());
        assertEquals(1_000, o.joinWarmup());
        assertEquals(40, o.startsInSeconds());
        assertEquals(120, o.admitPerSecond());
        assertEquals(5_000, o.stock());
        assertEquals(2_000, o.subscribers());
        assertEquals(2, o.subscriberThreads());
        assertEquals(128, o.openInFlight());
        assertEquals(60, o.openSeconds());
        assertEquals(10, o.pollEverySeconds());
        assertEquals(16, o.pollConnections());
        assertEquals(8, o.sweepConcurrency());
        assertEquals(50, o.concurrency());
        assertEquals(1, o.rounds());
        assertEquals(7, o.seconds());
        assertEquals(0, o.warmupSeconds());
        assertEquals(4, o.informSeconds());
        assertEquals(0, o.initialWarmupSeconds());
        assertEquals(Path.of("/tmp/room.md"), o.output());
        assertEquals("mariadb", o.server().database().kind());
        assertEquals(2_000.0, o.pollRate(), 1e-9);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(Options.UsageException.class, () -> room("--shoppers", "0"));
        assertThrows(Options.UsageException.class, () -> room("--shoppers", "many"));
        // without warm-up joins there is no join rate to plan the start by; the streams are held by the crowd
        assertThrows(Options.UsageException.class, () -> room("--join-warmup", "0"));
        assertEquals(0, room("--join-warmup", "0", "--starts-in-seconds", "30").joinWarmup());
        assertThrows(
                Options.UsageException.class,
                () -> room("--shoppers", "1000", "--join-warmup", "10", "--subscribers", "1001"));
        assertThrows(Options.UsageException.class, () -> room("--admit-per-second", "0"));
        assertThrows(Options.UsageException.class, () -> room("--admit-per-second", "100001"));
        assertThrows(Options.UsageException.class, () -> room("--stock", "10000001"));
        assertThrows(Options.UsageException.class, () -> room("--poll-every-seconds", "0"));
        assertThrows(Options.UsageException.class, () -> room("--rounds", "0"));
        assertThrows(Options.UsageException.class, () -> room("--jar-a", "a.jar"));
        assertThrows(Options.UsageException.class, () -> room("stray"));
        assertThrows(Options.UsageException.class, () -> room("--db", "oracle"));
    }

    @Test
    void helpAndDispatch() {
        assertTrue(RoomOptions.parse("--mode", "room", "--help").help());
        assertTrue(RoomOptions.parse("--mode", "room", "-h", "--rounds", "0").help());
        assertTrue(RoomOptions.usage().contains("--poll-every-seconds S"));
        assertTrue(RoomOptions.usage().contains("--admit-per-second N"));
        assertTrue(RoomOptions.requested("--rounds", "1", "--mode=room"));
        assertFalse(RoomOptions.requested("--mode", "subscribers"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(
                LoadDriver.PASS, LoadDriver.run(new String[] {"--mode", "room", "--help"}, print(out), print(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--mode room [--shoppers 100000]"));
        assertEquals(
                LoadDriver.SETUP_ERROR,
                LoadDriver.run(new String[] {"--mode", "room", "--shoppers", "0"}, print(out), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--mode room --help"));
        assertTrue(Options.usage().contains("--mode room"));
    }

    private static RoomOptions room(String... more) {
        String[] args = new String[more.length + 2];
        args[0] = "--mode";
        args[1] = "room";
        System.arraycopy(more, 0, args, 2, more.length);
        return RoomOptions.parse(args);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
