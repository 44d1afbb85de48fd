package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stampede.launcher.JavaRuntimes;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.ServiceProcess;
import io.stampede.testsupport.TestServices;
import io.stampede.testsupport.Together;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code java -jar server/target/stampede.jar} with no configuration, as a newcomer would: embedded PostgreSQL
 * and Redis start, a burst over HTTP sells exactly the stock, and a restart finds the sales and orders again. Run by a
 * {@code java} older than 21, the jar restarts itself on a Java 21+ of the machine, or says in one line what to
 * install.
 */
class NewcomerJarIT {
    /** Tries of one purchase before its answer counts: enough for 2,000 at once through 512 admission places. */
    private static final int MAX_TRIES = 12;

    @TempDir
    Path workDir;

    private ServiceProcess service;

    /** The jar run by an older java, in the tests of the launcher. */
    private Process launcher;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
        if (launcher != null && launcher.isAlive()) {
            List<ProcessHandle> left = launcher.descendants().toList();
            launcher.destroy();
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
            left.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void onAJavaOlderThan21TheJarRestartsItselfOnAJava21AndStarts() throws Exception {
        Path oldJava = olderJava();
        int port = TestServices.freePort();
        // the port as a system property: it reaches the service only if the restart passes the JVM's options on
        launcher = startJar(oldJava, List.of("-Xmx512m", "-Dserver.port=" + port), Map.of(), "old-java");
        Http http = new Http("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!healthy(http)) {
            assertThat(launcher.isAlive())
                    .as(() -> "the launcher exited: " + log("old-java"))
                    .isTrue();
            assertThat(System.nanoTime() < deadline)
                    .as(() -> "not healthy in time: " + log("old-java"))
                    .isTrue();
            Thread.sleep(250);
        }
        String log = log("old-java");
        List<String> said =
                log.lines().filter(l -> l.startsWith("Stampede needs Java")).toList();
        assertThat(said).as(log).hasSize(1);
        Matcher line = Pattern.compile(
                        "Stampede needs Java 21\\+; this is Java (\\d+) \\((.+)\\); restarting on (.+) \\(Java (\\d+)\\)")
                .matcher(said.get(0));
        assertThat(line.matches()).as(said.get(0)).isTrue();
        assertThat(Integer.parseInt(line.group(1))).isLessThan(21);
        assertThat(Integer.parseInt(line.group(4))).isGreaterThanOrEqualTo(21);
        assertThat(log).as("the first line").startsWith(said.get(0));
        assertThat(log)
                .contains("Stampede is ready at http://localhost:" + port)
                .contains("storefront: http://localhost:" + port + "/ | dashboard: http://localhost:" + port + "/admin")
                .doesNotContain("Exception");

        // a stop of the launcher (SIGTERM) stops the service it started, gracefully, before the launcher ends
        List<ProcessHandle> restarted = launcher.children().toList();
        assertThat(restarted).hasSize(1);
        launcher.destroy();
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(restarted.get(0).isAlive()).isFalse();
        assertThat(log("old-java")).contains("Graceful shutdown complete");
    }

    @Test
    void withNoJava21OnTheMachineTheJarSaysWhatToInstallInOneLine() throws Exception {
        Path oldJava = olderJava();
        Path nothing = Files.createDirectories(workDir.resolve("no-jdk-here"));
        launcher = startJar(
                oldJava,
                List.of(),
                Map.of("JAVA_HOME", nothing.toString(), JavaRuntimes.SEARCH_PATH, nothing.toString()),
                "no-jdk");
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = log("no-jdk");
        assertThat(launcher.exitValue()).as(output).isEqualTo(1);
        assertThat(output.strip().lines()).as(output).hasSize(1);
        assertThat(output)
                .startsWith("Stampede needs Java 21 or newer; this is Java ")
                .contains("install a JDK 21+")
                .contains("set JAVA_HOME to one")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void burstOverHttpSellsExactlyTheStockAndARestartKeepsEverything() throws Exception {
        int port = TestServices.freePort();
        // a newcomer's machine: nothing configured
        service = ServiceProcess.start(workDir, "first", port, Map.of()).awaitHealthy();
        Http http = service.http();
        String firstLog = Files.readString(workDir.resolve("first.log"));
        assertThat(firstLog).contains("Stampede is ready at http://localhost:" + port);
        // the request path was warmed up through the port before health said UP
        assertThat(firstLog).contains("Warmed up the purchase path with 2,000 requests");
        assertThat(firstLog.indexOf("Warmed up the purchase path"))
                .isLessThan(firstLog.indexOf("Stampede is ready at"));

        String admin = Files.readString(workDir.resolve(".stampede/admin-token"), StandardCharsets.UTF_8)
                .trim();
        assertThat(http.get("/api/sales", null).json().path("items").size())
                .as("the demo sale")
                .isEqualTo(1);

        Instant now = Instant.now();
        Http.Response created = http.post(
                "/api/admin/sales",
                admin,
                Http.saleJson(
                        "newcomer",
                        100,
                        1,
                        now.minusSeconds(1).toString(),
                        now.plusSeconds(3600).toString()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String sale = created.json().path("id").asString();

        Map<String, String> tokens = new HashMap<>();
        for (int u = 0; u < 500; u++) {
            tokens.put("user-" + u, http.login("user-" + u));
        }
        record Attempt(String user, String key) {}
        record Answer(Attempt attempt, int status, String orderId) {}
        List<Attempt> plan = new ArrayList<>();
        for (int u = 0; u < 500; u++) {
            plan.add(new Attempt("user-" + u, "a"));
            plan.add(new Attempt("user-" + u, "b"));
            plan.add(new Attempt("user-" + u, "c"));
            plan.add(new Attempt("user-" + u, "a")); // replay
        }
        List<Answer> answers = Together.run(plan.stream()
                .<Callable<Answer>>map(a -> () -> {
                    try {
                        Http.Response r = buyAsAClientWould(http, sale, tokens.get(a.user()), a.key());
                        return new Answer(
                                a,
                                r.status(),
                                r.status() == 201 ? r.json().path("orderId").asString() : r.body());
                    } catch (RuntimeException e) {
                        return new Answer(a, -1, "no answer: " + e); // shown by the assertion below
                    }
                })
                .toList());
        assertThat(answers).hasSize(2000);
        String log = Files.readString(workDir.resolve("first.log"));
        assertThat(answers)
                .as(() -> "the service's log ends with:\n" + log.substring(Math.max(0, log.length() - 4000)))
                .allSatisfy(a -> assertThat(a.status()).as(a.orderId()).isIn(201, 409));

        Map<Attempt, String> byKey = new HashMap<>();
        Map<String, Set<String>> byUser = new HashMap<>();
        for (Answer a : answers) {
            if (a.status() == 201) {
                String earlier = byKey.putIfAbsent(a.attempt(), a.orderId());
                assertThat(earlier == null || earlier.equals(a.orderId()))
                        .as("replay answered the same order")
                        .isTrue();
                byUser.computeIfAbsent(a.attempt().user(), k -> new HashSet<>()).add(a.orderId());
            }
        }
        Set<String> acknowledged = new HashSet<>(byKey.values());
        assertThat(acknowledged).hasSize(100);
        assertThat(byUser.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));

        Set<String> listed = new HashSet<>();
        for (String user : byUser.keySet()) {
            http.get("/api/me/orders", tokens.get(user))
                    .json()
                    .path("items")
                    .forEach(o -> listed.add(o.path("id").asString()));
        }
        assertThat(listed)
                .as("every acknowledged order can be found by its owner")
                .isEqualTo(acknowledged);
        assertFigures(http, sale, 100, 0, 100);

        // a restart finds everything again; the gate is rebuilt from the database, so the sale stays sold out
        service.stop();
        service = ServiceProcess.start(workDir, "second", port, Map.of()).awaitHealthy();
        assertFigures(http, sale, 100, 0, 100);
        String someone = byUser.keySet().iterator().next();
        Http.Response replay = http.post(
                "/api/sales/" + sale + "/purchases", tokens.get(someone), "{\"quantity\":1}", "Idempotency-Key", "a");
        Http.Response late = http.post(
                "/api/sales/" + sale + "/purchases",
                http.login("late-comer"),
                "{\"quantity\":1}",
                "Idempotency-Key",
                "z");
        assertThat(late.code()).isEqualTo("SOLD_OUT");
        if (replay.status() == 201) {
            assertThat(byUser.get(someone))
                    .contains(replay.json().path("orderId").asString());
        } else {
            assertThat(replay.code()).isEqualTo("LIMIT_EXCEEDED"); // that user's key "a" lost; b or c won
        }
    }

    /**
     * A well-behaved client: a dropped connection, a 429 (admission control turning the burst's excess away) or a 503
     * (a backing service slow under the burst on a cold JVM) is retried with the same idempotency key after
     * Retry-After plus a little jitter, so the answers that count are the final ones.
     */
    private static Http.Response buyAsAClientWould(Http http, String sale, String token, String key)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                Http.Response r = buy(http, sale, token, key);
                if ((r.status() != 429 && r.status() != 503) || attempt == MAX_TRIES) {
                    return r;
                }
                Thread.sleep(1000L * Integer.parseInt(r.header("Retry-After")) + jitter());
            } catch (RuntimeException dropped) {
                if (attempt == MAX_TRIES) {
                    throw dropped;
                }
                Thread.sleep(1000 + jitter()); // a client backs off after a dropped connection too
            }
        }
    }

    /**
     * {@code java -jar} of the jar with this {@code java}, in the working directory, with the build's variables of the
     * service and JDK left out and these added; its output in {@code <name>.log}.
     */
    private Process startJar(Path java, List<String> options, Map<String, String> env, String name) throws IOException {
        String jar = System.getenv().getOrDefault("STAMPEDE_JAR", "target/stampede.jar");
        assertThat(new File(jar)).as("run ./mvnw package first: " + jar).exists();
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(options);
        command.add("-jar");
        command.add(new File(jar).getAbsolutePath());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(name + ".log").toFile());
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("SPRING_")
                        || k.startsWith("STAMPEDE_")
                        || k.equals("SERVER_PORT")
                        || (k.startsWith("JAVA") && k.contains("_HOME"))
                        || k.equals("JAVA_TOOL_OPTIONS")
                        || k.equals("JDK_JAVA_OPTIONS"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * A {@code java} of 17 to 20 (Spring Boot's loader needs 17): the machine's default one or one in /usr/lib/jvm; the
     * launcher tests are skipped on a machine without one.
     */
    private static Path olderJava() throws IOException {
        List<Path> homes = new ArrayList<>();
        Path usrBinJava = Path.of("/usr/bin/java");
        if (Files.exists(usrBinJava)) {
            homes.add(usrBinJava.toRealPath().getParent().getParent());
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> children = Files.list(jvms)) {
                children.sorted().forEach(homes::add);
            }
        }
        for (Path home : homes) {
            Optional<JavaRuntimes.Installation> runtime = JavaRuntimes.runtimeAt(home);
            if (runtime.isPresent()
                    && runtime.get().version() >= 17
                    && runtime.get().version() < 21
                    && Files.isExecutable(runtime.get().java())) {
                return runtime.get().java();
            }
        }
        assumeTrue(false, "no Java 17 to 20 on this machine (/usr/bin/java, /usr/lib/jvm)");
        throw new IllegalStateException("unreachable");
    }

    private static boolean healthy(Http http) {
        try {
            Http.Response r = http.get("/actuator/health", null);
            return r.status() == 200 && r.body().contains("\"UP\"");
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private String log(String name) {
        try {
            return Files.readString(workDir.resolve(name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long jitter() {
        return ThreadLocalRandom.current().nextLong(500);
    }

    private static Http.Response buy(Http http, String sale, String token, String key) {
        return http.post("/api/sales/" + sale + "/purchases", token, "{\"quantity\":1}", "Idempotency-Key", key);
    }

    private static void assertFigures(Http http, String sale, long total, long available, long reserved) {
        var stock = http.get("/api/sales/" + sale, null).json().path("stock");
        assertThat(stock.path("total").asLong()).isEqualTo(total);
        assertThat(stock.path("available").asLong()).isEqualTo(available);
        assertThat(stock.path("reserved").asLong()).isEqualTo(reserved);
        assertThat(stock.path("sold").asLong()).isZero();
    }
}
