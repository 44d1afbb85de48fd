package io.stampede.turn;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped verifier {@code tools/VerifyDraw.java}, run the way docs/fair-drops.md tells anyone to run it
 * ({@code java tools/VerifyDraw.java <baseUrl> <saleId>}, a child JVM on the source file), against a loopback HTTP
 * server that publishes a draw computed here with nothing but the JDK's SHA-256 and HMAC-SHA256: an honest draw
 * passes, and each way of cheating (an entry changed after the hash, a seed other than the hashed one, winners out of
 * draw order, a tampered saved list) fails with exit status 1 and names what does not match.
 */
class VerifyDrawTest {
    private static final String SALE = "6f1c2a4e-0d3b-4c5a-9e8f-7a6b5c4d3e2f";
    private static final Path TOOL = Path.of("..", "tools", "VerifyDraw.java");
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    private HttpServer http;
    private boolean stopped;
    private volatile String drawJson = "";
    private volatile byte[] entryList = new byte[0];

    /** A draw as the service publishes it, computed by the rules of docs/fair-drops.md. */
    private record Draw(String seedHex, List<String> entrants, List<String> order, int units) {

        byte[] seed() {
            return HEX.parseHex(seedHex);
        }

        /** {@code n} entrants with user ids of every allowed kind of character, {@code units} of stock. */
        static Draw honest(int n, int units) {
            Random random = new Random(17);
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(
                        switch (i % 4) {
                            case 0 -> "u" + i;
                            case 1 -> "Shopper_" + i;
                            case 2 -> "fan-" + i + "@example.org";
                            default -> "acct:" + i + ".x";
                        });
            }
            ids.sort(Comparator.naturalOrder()); // ASCII: the order of their UTF-8 bytes
            return new Draw(HEX.formatHex(seed), List.copyOf(ids), order(seed, ids), units);
        }

        /** Entrants by the lowercase hex HMAC-SHA256 of their user id keyed with the seed, then by user id. */
        static List<String> order(byte[] seed, List<String> ids) {
            TreeMap<String, String> byHmac = new TreeMap<>();
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(seed, "HmacSHA256"));
                for (String id : ids) {
                    byHmac.put(HEX.formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8))) + " " + id, id);
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            return List.copyOf(byHmac.values());
        }

        byte[] list() {
            StringBuilder b = new StringBuilder();
            entrants.forEach(id -> b.append(id).append('\n'));
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** GET /api/sales/{id}/draw, with {@code seed} and {@code winners} as given. */
        String json(byte[] publishedSeed, List<String> winners) {
            StringBuilder w = new StringBuilder();
            for (int i = 0; i < winners.size(); i++) {
                w.append(i == 0 ? "" : ",")
                        .append("{\"rank\":")
                        .append(i + 1)
                        .append(",\"userId\":\"")
                        .append(winners.get(i))
                        .append("\"}");
            }
            return "{\"saleId\":\"" + SALE + "\",\"state\":\"DRAWN\",\"entriesOpenAt\":\"2026-12-02T10:00:00Z\","
                    + "\"entriesCloseAt\":\"2026-12-02T11:00:00Z\",\"entries\":" + entrants.size() + ",\"units\":"
                    + units + ",\"seedHash\":\"" + sha256(seed()) + "\",\"entriesHash\":\"" + sha256(list())
                    + "\",\"seed\":\"" + HEX.formatHex(publishedSeed) + "\",\"drawnAt\":\"2026-12-02T11:00:01Z\","
                    + "\"winners\":[" + w + "]}";
        }

        String json() {
            return json(seed(), order.subList(0, units));
        }
    }

    private record Run(int exit, String output) {}

    @BeforeEach
    void serve() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/api/sales/" + SALE + "/draw", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/draw")) {
                answer(exchange, 200, "application/json", drawJson.getBytes(StandardCharsets.UTF_8));
            } else if (path.endsWith("/draw/entries")) {
                answer(exchange, 200, "text/plain; charset=utf-8", entryList);
            } else {
                answer(
                        exchange,
                        404,
                        "application/problem+json",
                        "{\"code\":\"NOT_FOUND\"}".getBytes(StandardCharsets.UTF_8));
            }
        });
        http.start();
    }

    @AfterEach
    void stop() {
        if (!stopped) {
            http.stop(0);
        }
    }

    @Test
    void anHonestDrawPassesEveryCheckAndPrintsTheOrder() throws Exception {
        Draw draw = Draw.honest(40, 5);
        publish(draw.json(), draw.list());

        Run run = verify(base(), SALE);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("PASS  seedHash", "PASS  entriesHash", "PASS  entry list", "PASS  entries", "PASS  winners")
                .contains("RESULT: PASS")
                .doesNotContain("FAIL");
        // the first ranks of the order, as recomputed here
        assertThat(run.output())
                .containsPattern("(?m)^\\s+1\\s+" + quote(draw.order().get(0)) + "\\s");
        assertThat(run.output())
                .containsPattern("(?m)^\\s+2\\s+" + quote(draw.order().get(1)) + "\\s");
    }

    @Test
    void anEntryChangedAfterTheHashWasPublishedFailsTheEntriesHash() throws Exception {
        Draw draw = Draw.honest(40, 5);
        List<String> changed = new ArrayList<>(draw.entrants());
        changed.set(7, changed.get(7) + "x"); // still sorted, still 40 user ids: only the hash can tell
        publish(draw.json(), lines(changed));

        Run run = verify(base(), SALE);

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("FAIL  entriesHash", "PASS  seedHash", "PASS  entry list")
                .contains("RESULT: FAIL");
    }

    @Test
    void aSeedOtherThanTheHashedOneFails() throws Exception {
        Draw draw = Draw.honest(40, 5);
        byte[] other = draw.seed().clone();
        other[0] ^= 1;
        // winners drawn with the other seed: they match the order of the seed published, not of the hashed one
        publish(draw.json(other, Draw.order(other, draw.entrants()).subList(0, 5)), draw.list());

        Run run = verify(base(), SALE);

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("FAIL  seedHash", "PASS  entriesHash", "RESULT: FAIL");
    }

    @Test
    void winnersOutOfDrawOrderFail() throws Exception {
        Draw draw = Draw.honest(40, 5);
        List<String> winners = new ArrayList<>(draw.order().subList(0, 5));
        winners.set(0, draw.order().get(1));
        winners.set(1, draw.order().get(0));
        publish(draw.json(draw.seed(), winners), draw.list());

        Run run = verify(base(), SALE);

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("PASS  seedHash", "PASS  entriesHash", "FAIL  winners")
                .contains("rank 1 is published as " + draw.order().get(1));
    }

    @Test
    void aWinnerFromOutsideTheHeadOfTheOrderFails() throws Exception {
        Draw draw = Draw.honest(40, 5);
        List<String> winners = new ArrayList<>(draw.order().subList(0, 5));
        winners.set(4, draw.order().get(20)); // rank 5 given to a friend further down
        publish(draw.json(draw.seed(), winners), draw.list());

        Run run = verify(base(), SALE);

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains(
                        "FAIL  winners",
                        "rank 5 is published as " + draw.order().get(20));
    }

    @Test
    void aTamperedSavedListGivenWithEntriesFails() throws Exception {
        Draw draw = Draw.honest(40, 5);
        publish(draw.json(), draw.list());
        List<String> tampered = new ArrayList<>(draw.entrants());
        tampered.add("zz-late-entrant");
        Path saved = dir.resolve("saved-list.txt");
        Files.write(saved, lines(tampered));
        Path honest = dir.resolve("honest-list.txt");
        Files.write(honest, draw.list());

        Run bad = verify("--entries", saved.toString(), base(), SALE);
        Run good = verify("--entries", honest.toString(), base(), SALE);

        assertThat(bad.exit()).as(bad.output()).isEqualTo(1);
        assertThat(bad.output())
                .contains("from " + saved)
                .contains("FAIL  entriesHash", "FAIL  entries ")
                .contains("RESULT: FAIL");
        assertThat(good.exit()).as(good.output()).isZero();
    }

    @Test
    void aListOutOfOrderOrWithADuplicateFailsItsForm() throws Exception {
        Draw draw = Draw.honest(10, 3);
        List<String> duplicated = new ArrayList<>(draw.entrants());
        duplicated.set(4, duplicated.get(3));
        publish(draw.json(), lines(duplicated));

        Run run = verify(base(), SALE);

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains(
                        "FAIL  entry list", "line 5 repeats " + draw.entrants().get(3));
    }

    @Test
    void aDrawNotMadeYetOrAServiceNotThereIsAUsageErrorInOneLine() throws Exception {
        publish("{\"saleId\":\"" + SALE + "\",\"state\":\"ENTRIES_OPEN\",\"entries\":3,\"seed\":null}", new byte[0]);

        Run notYet = verify(base(), SALE);
        Run noArguments = verify(base());
        http.stop(0);
        stopped = true;
        Run gone = verify(base(), SALE);

        for (Run run : List.of(notYet, noArguments, gone)) {
            assertThat(run.exit()).as(run.output()).isEqualTo(2);
            assertThat(run.output().strip().lines()).as(run.output()).hasSize(1);
            assertThat(run.output()).startsWith("error: ").doesNotContain("Exception in thread", "\tat ");
        }
        assertThat(notYet.output()).contains("not drawn yet (state ENTRIES_OPEN)");
    }

    private void publish(String json, byte[] list) {
        drawJson = json;
        entryList = list;
    }

    private String base() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** {@code java tools/VerifyDraw.java args…} in a child JVM, as docs/fair-drops.md says to run it. */
    private static Run verify(String... args) throws IOException, InterruptedException {
        assertThat(TOOL).as("the verifier, relative to the server module").isRegularFile();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 only and the serial collector: a second less per run of a program that runs a fraction of one
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.add(TOOL.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().putAll(Map.of("Content-Type", List.of(type)));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] lines(List<String> ids) {
        StringBuilder b = new StringBuilder();
        ids.forEach(id -> b.append(id).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return Pattern.quote(s);
    }
}
