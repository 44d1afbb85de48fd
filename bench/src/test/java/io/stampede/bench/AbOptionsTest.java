package io.stampede.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AbOptionsTest {

    @Test
    void defaults() {
        AbOptions o = AbOptions.parse("--mode", "ab", "--jar-a", "/tmp/a.jar", "--jar-b=/tmp/b.jar");
        assertEquals(Path.of("/tmp/a.jar"), o.jarA());
        assertEquals(Path.of("/tmp/b.jar"), o.jarB());
        assertEquals("A", o.labelA());
        assertEquals("B", o.labelB());
        assertEquals(200, o.concurrency());
        assertEquals(3, o.rounds());
        assertEquals(10, o.seconds());
        assertEquals(5, o.warmupSeconds());
        assertFalse(o.help());
        ServerSettings server = o.server();
        assertEquals("postgresql", server.database().kind());
        assertEquals(
                "jdbc:postgresql://127.0.0.1:5432/postgres", server.database().adminUrl());
        assertEquals("postgres", server.database().user());
        assertEquals("stampede_bench", server.database().name());
        assertEquals(List.of(), server.jvmOptions());
        assertEquals(6379, server.redisPort());
    }

    @Test
    void everyFlag() {
        AbOptions o = AbOptions.parse(
                "--mode=AB",
                "--jar-a",
                "a.jar",
                "--jar-b",
                "a.jar",
                "--label-a",
                "before",
                "--label-b",
                "after",
                "--db",
                "MariaDB",
                "--concurrency",
                "50",
                "--rounds",
                "1",
                "--seconds",
                "5",
                "--warmup-seconds",
                "0",
                "--jvm-options",
                " -Xmx1g  -XX:+UseParallelGC ",
                "--jvm-options-b",
                "-XX:AOTCache=app.aot",
                "--db-name",
                "ab_db");
        assertEquals("before", o.labelA());
        assertEquals("after", o.labelB());
        assertEquals(50, o.concurrency());
        assertEquals(1, o.rounds());
        assertEquals(5, o.seconds());
        assertEquals(0, o.warmupSeconds());
        assertEquals("mariadb", o.server().database().kind());
        assertEquals("jdbc:mariadb://127.0.0.1:3306/", o.server().database().adminUrl());
        assertEquals("root", o.server().database().user());
        assertEquals(
                "jdbc:mariadb://127.0.0.1:3306/ab_db", o.server().database().serverUrl());
        assertEquals(List.of("-Xmx1g", "-XX:+UseParallelGC"), o.server().jvmOptions());
        AbOptions.Side b = o.order(1).get(1);
        assertEquals(List.of("-XX:AOTCache=app.aot"), b.jvmOptions());
        assertEquals(List.of(), o.order(1).getFirst().jvmOptions());
    }

    @Test
    void theOrderAlternatesRoundByRound() {
        AbOptions o = AbOptions.parse("--mode", "ab", "--jar-a", "a.jar", "--jar-b", "b.jar");
        assertEquals(
                List.of("a", "b"), o.order(1).stream().map(AbOptions.Side::id).toList());
        assertEquals(
                List.of("b", "a"), o.order(2).stream().map(AbOptions.Side::id).toList());
        assertEquals(
                List.of("a", "b"), o.order(3).stream().map(AbOptions.Side::id).toList());
        assertEquals(Path.of("b.jar"), o.order(2).getFirst().jar());
        assertEquals("B", o.order(2).getFirst().label());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(Options.UsageException.class, () -> AbOptions.parse("--mode", "ab", "--jar-a", "a.jar"));
        assertThrows(Options.UsageException.class, () -> AbOptions.parse("--mode", "ab", "--jar-b", "b.jar"));
        assertThrows(Options.UsageException.class, () -> ab("--label-a", "same", "--label-b", "same"));
        assertThrows(Options.UsageException.class, () -> ab("--label-a", "two words"));
        assertThrows(Options.UsageException.class, () -> ab("--db", "oracle"));
        assertThrows(
                Options.UsageException.class,
                () -> ab("--db", "mariadb", "--db-url", "jdbc:postgresql://127.0.0.1:5432/postgres"));
        assertThrows(Options.UsageException.class, () -> ab("--db-name", "x; drop"));
        assertThrows(Options.UsageException.class, () -> ab("--rounds", "0"));
        assertThrows(Options.UsageException.class, () -> ab("--seconds", "ten"));
        assertThrows(Options.UsageException.class, () -> ab("--stock", "5"));
        assertThrows(Options.UsageException.class, () -> ab("--concurrency"));
        assertThrows(Options.UsageException.class, () -> ab("stray"));
        assertThrows(Options.UsageException.class, () -> ab("--help=yes"));
    }

    @Test
    void helpNeedsNoJars() {
        assertTrue(AbOptions.parse("--mode", "ab", "--help").help());
        assertTrue(AbOptions.parse("--mode", "ab", "-h", "--rounds", "0").help());
        assertTrue(AbOptions.usage().contains("--jar-a FILE"));
        assertTrue(AbOptions.usage().contains("--warmup-seconds S"));
    }

    @Test
    void recognisesTheMode() {
        assertTrue(AbOptions.requested("--mode", "ab"));
        assertTrue(AbOptions.requested("--rounds", "1", "--mode=AB"));
        assertFalse(AbOptions.requested("--mode", "compare"));
        assertFalse(AbOptions.requested("--label-a", "ab"));
    }

    @Test
    void theDriverDispatchesAndExplainsMistakes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(LoadDriver.PASS, LoadDriver.run(new String[] {"--mode", "ab", "--help"}, print(out), print(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--mode ab --jar-a FILE --jar-b FILE"));
        assertEquals(LoadDriver.SETUP_ERROR, LoadDriver.run(new String[] {"--mode", "ab"}, print(out), print(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--jar-a is required"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--mode ab --help"));
        assertTrue(Options.usage().contains("--mode ab"));
        assertTrue(Options.usage().contains("--mode read-cost"));
    }

    private static AbOptions ab(String... more) {
        String[] args = new String[more.length + 6];
        System.arraycopy(new String[] {"--mode", "ab", "--jar-a", "a.jar", "--jar-b", "b.jar"}, 0, args, 0, 6);
        System.arraycopy(more, 0, args, 6, more.length);
        return AbOptions.parse(args);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
