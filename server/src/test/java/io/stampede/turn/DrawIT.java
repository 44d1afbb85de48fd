package io.stampede.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stampede.shared.security.ShopperTokens;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.turn.port.DrawStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The draw through the public HTTP API (docs/fair-drops.md): one entry per shopper, a seed committed before entries
 * and published after them, the entry list and its hash, winners in the recomputed draw order with orders of one
 * unit, and a unit that comes back going to the next entrant.
 */
@IntegrationTest
class DrawIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;
    private static final HexFormat HEX = HexFormat.of();

    @LocalServerPort
    int port;

    @Autowired
    ShopperTokens shopperTokens;

    @Autowired
    DrawStore drawStore;

    Http http;
    final Map<String, String> tokens = new ConcurrentHashMap<>();

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    private String token(String userId) {
        return tokens.computeIfAbsent(
                userId, u -> shopperTokens.issue(u, Duration.ofHours(1)).token());
    }

    private String drawSale(String name, long stock, Instant entriesOpenAt, Instant startsAt) {
        return drawSale(name, stock, entriesOpenAt, startsAt, "");
    }

    private String drawSale(String name, long stock, Instant entriesOpenAt, Instant startsAt, String extra) {
        String json = Http.saleJson(
                name,
                stock,
                startsAt,
                "\"access\":\"DRAW\",\"draw\":{\"entriesOpenAt\":\"" + entriesOpenAt + "\"}" + extra);
        Http.Response r = http.post("/api/admin/sales", ADMIN, json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    @Test
    void theDrawIsPublishedRecomputableAndPassesUnitsOnInDrawOrder() throws Exception {
        int entrants = 40;
        int units = 5;
        Instant startsAt = Instant.now().plusSeconds(5);
        String saleId = drawSale("draw", units, Instant.now().minusSeconds(1), startsAt);
        JsonNode created = http.get("/api/sales/" + saleId, null).json().path("draw");
        String seedHash = created.path("seedHash").asString();
        assertThat(seedHash).hasSize(64);
        assertThat(created.path("state").asString()).isEqualTo("ENTRIES_OPEN");
        assertThat(created.has("seed"))
                .as("the seed stays secret until entries close")
                .isFalse();

        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> entries = new ArrayList<>();
            for (int i = 0; i < entrants; i++) {
                String user = "entrant-" + i;
                entries.add(pool.submit(() -> http.post("/api/sales/" + saleId + "/entries", token(user), "{}")
                        .status()));
            }
            for (Future<Integer> e : entries) {
                assertThat(e.get()).isEqualTo(201);
            }
        }
        Http.Response again = http.post("/api/sales/" + saleId + "/entries", token("entrant-0"), "{}");
        assertThat(again.status()).as("one entry per shopper").isEqualTo(200);
        assertThat(again.json().path("state").asString()).isEqualTo("ENTERED");
        Http.Response buy = http.post(
                "/api/sales/" + saleId + "/purchases", token("entrant-1"), "{\"quantity\":1}", "Idempotency-Key", "k");
        assertThat(buy.status()).isEqualTo(409);
        assertThat(buy.code()).isEqualTo("DRAW_ONLY");
        Http.Response early = http.get("/api/sales/" + saleId + "/draw/entries", null);
        assertThat(early.status()).as("no entry list before entries close").isEqualTo(409);

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> http.get("/api/sales/" + saleId + "/draw", null)
                                .json()
                                .path("winners")
                                .size()
                        == units);
        Http.Response late = http.post("/api/sales/" + saleId + "/entries", token("latecomer"), "{}");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.code()).isEqualTo("SALE_NOT_ACTIVE");

        JsonNode draw = http.get("/api/sales/" + saleId + "/draw", null).json();
        assertThat(draw.path("state").asString()).isEqualTo("DRAWN");
        assertThat(draw.path("seedHash").asString()).isEqualTo(seedHash);
        String seed = draw.path("seed").asString();
        assertThat(sha256(HEX.parseHex(seed)))
                .as("the seed is the one committed to")
                .isEqualTo(seedHash);
        Http.Response list = http.get("/api/sales/" + saleId + "/draw/entries", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.header("Content-Type")).startsWith("text/plain");
        byte[] listBytes = list.body().getBytes(StandardCharsets.UTF_8);
        assertThat(sha256(listBytes)).isEqualTo(draw.path("entriesHash").asString());
        List<String> users = List.of(list.body().split("\n"));
        assertThat(users).hasSize(entrants).isSorted().doesNotHaveDuplicates();
        String changed = list.body().replace("entrant-7\n", "entrant-77\n");
        assertThat(sha256(changed.getBytes(StandardCharsets.UTF_8)))
                .as("changing one entry changes the published hash")
                .isNotEqualTo(draw.path("entriesHash").asString());

        // the shipped verifier agrees, and catches a list with one entry changed
        assertThat(verify(saleId))
                .as("tools/VerifyDraw.java on the honest draw")
                .isZero();
        Path tampered = Files.createTempFile("entries", ".txt");
        Files.writeString(tampered, changed);
        assertThat(verify("--entries", tampered.toString(), saleId))
                .as("tools/VerifyDraw.java on a list with one entry changed")
                .isEqualTo(1);
        Files.delete(tampered);

        List<String> order = drawOrder(seed, users);
        List<String> winners = new ArrayList<>();
        for (JsonNode w : draw.path("winners")) {
            assertThat(w.path("rank").asInt()).isEqualTo(winners.size() + 1);
            winners.add(w.path("userId").asString());
        }
        assertThat(winners)
                .as("the winners are the head of the recomputed draw order")
                .isEqualTo(order.subList(0, units));

        for (int rank = 1; rank <= entrants; rank++) {
            String user = order.get(rank - 1);
            JsonNode entry = http.get("/api/sales/" + saleId + "/entries/me", token(user))
                    .json();
            assertThat(entry.path("rank").asInt()).isEqualTo(rank);
            assertThat(entry.path("state").asString()).isEqualTo(rank <= units ? "WON" : "WAITING_LIST");
            if (rank <= units) {
                JsonNode o = http.get("/api/orders/" + entry.path("orderId").asString(), token(user))
                        .json();
                assertThat(o.path("status").asString()).isEqualTo("PENDING_PAYMENT");
                assertThat(o.path("quantity").asInt()).isEqualTo(1);
            }
        }
        JsonNode stock = http.get("/api/sales/" + saleId, null).json().path("stock");
        assertThat(stock.path("reserved").asLong()).isEqualTo(units);
        assertThat(stock.path("available").asLong()).isZero();

        // the first winner lets the unit go: it passes to the next entrant in draw order
        String first = order.get(0);
        String firstOrder = http.get("/api/sales/" + saleId + "/entries/me", token(first))
                .json()
                .path("orderId")
                .asString();
        assertThat(http.post("/api/orders/" + firstOrder + "/cancel", token(first), "{}")
                        .status())
                .isEqualTo(200);
        String next = order.get(units);
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> http.get("/api/sales/" + saleId + "/entries/me", token(next))
                        .json()
                        .path("state")
                        .asString()
                        .equals("WON"));
        JsonNode after = http.get("/api/sales/" + saleId + "/draw", null).json();
        assertThat(after.path("winners").size()).isEqualTo(units + 1);
        assertThat(after.path("winners").get(units).path("userId").asString()).isEqualTo(next);
        JsonNode stockAfter = http.get("/api/sales/" + saleId, null).json().path("stock");
        assertThat(stockAfter.path("reserved").asLong())
                .as("never more orders than units")
                .isEqualTo(units);
        assertThat(http.get("/api/sales/" + saleId + "/entries/me", token(order.get(units + 1)))
                        .json()
                        .path("state")
                        .asString())
                .isEqualTo("WAITING_LIST");
    }

    /**
     * The list closes in the database, not on a clock: entries race the closing, made (as by another instance whose
     * clock is ahead) while this instance's clock still says entries are open. Every accepted entry is in the published
     * list, every refused one is not, and nothing is accepted after it closed.
     */
    @Test
    void entriesRacingTheClosingAreEitherInThePublishedListOrRefused() throws Exception {
        Instant now = Instant.now();
        String saleId = drawSale("racing-draw", 3, now.minusSeconds(1), now.plusSeconds(3600));
        // the list closes after the first 100 answers, with most of the shoppers still to come: however fast entries
        // get, the closing lands in the middle of them (with 400 and a quarter, every entry was once in before it)
        int shoppers = 2_000;
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        DrawStore.Closed closed;
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < shoppers; i++) {
                String user = "racer-" + i;
                String bearer = token(user);
                all.add(pool.submit(() -> {
                    go.await();
                    Http.Response r = http.post("/api/sales/" + saleId + "/entries", bearer, "{}");
                    if (r.status() == 409) {
                        assertThat(r.code()).isEqualTo("SALE_NOT_ACTIVE");
                    }
                    answers.put(user, r.status());
                    return null;
                }));
            }
            go.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() >= 100);
            closed = drawStore.closeEntries(saleId);
            for (Future<?> f : all) {
                f.get();
            }
        }
        List<String> accepted = answers.entrySet().stream()
                .filter(e -> e.getValue() == 201)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        assertThat(answers.values()).as("entered or refused, nothing else").allMatch(s -> s == 201 || s == 409);
        assertThat(accepted).as("entries before the closing").isNotEmpty();
        assertThat(accepted.size()).as("entries refused after the closing").isLessThan(shoppers);
        assertThat(closed.entrants().stream().sorted().toList())
                .as("the published list is exactly the accepted entries")
                .isEqualTo(accepted);
        Http.Response late = http.post("/api/sales/" + saleId + "/entries", token("after-close"), "{}");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.code()).isEqualTo("SALE_NOT_ACTIVE");

        JsonNode draw = http.get("/api/sales/" + saleId + "/draw", null).json();
        assertThat(draw.path("state").asString())
                .as("the list is closed, the draw not made")
                .isEqualTo("CLOSED");
        assertThat(draw.path("entriesHash").asString()).isEqualTo(closed.entriesHash());
        assertThat(draw.path("entries").asLong()).isEqualTo(accepted.size());
        assertThat(draw.has("seed")).as("the seed comes after the list's hash").isFalse();
        Http.Response list = http.get("/api/sales/" + saleId + "/draw/entries", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(sha256(list.body().getBytes(StandardCharsets.UTF_8))).isEqualTo(closed.entriesHash());
        assertThat(drawStore.closeEntries(saleId))
                .as("closing again changes nothing")
                .isEqualTo(closed);
    }

    /**
     * A winner's order has the sale's payment deadline; when it passes unpaid, the order expires, the entry stays
     * {@code WON} with that order, and the unit goes to the next entrant in draw order.
     */
    @Test
    void anUnpaidWinnersUnitPassesToTheNextInDrawOrderWhenItsDeadlinePasses() throws Exception {
        int units = 2;
        int entrants = 5;
        Duration paymentTimeout = Duration.ofSeconds(10);
        Instant startsAt = Instant.now().plusSeconds(3);
        String json = Http.saleJson(
                "expiring-draw",
                units,
                startsAt,
                "\"paymentTimeout\":\"" + paymentTimeout + "\",\"access\":\"DRAW\",\"draw\":{\"entriesOpenAt\":\""
                        + Instant.now().minusSeconds(1) + "\"}");
        Http.Response created = http.post("/api/admin/sales", ADMIN, json);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String saleId = created.json().path("id").asString();
        for (int i = 0; i < entrants; i++) {
            assertThat(http.post("/api/sales/" + saleId + "/entries", token("expiring-" + i), "{}")
                            .status())
                    .isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> winners(saleId).size() == units);
        JsonNode draw = http.get("/api/sales/" + saleId + "/draw", null).json();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < entrants; i++) {
            users.add("expiring-" + i);
        }
        List<String> order = drawOrder(draw.path("seed").asString(), users);
        assertThat(winners(saleId)).isEqualTo(order.subList(0, units));
        List<String> firstOrders = new ArrayList<>();
        for (String winner : order.subList(0, units)) {
            JsonNode entry = http.get("/api/sales/" + saleId + "/entries/me", token(winner))
                    .json();
            JsonNode o = http.get("/api/orders/" + entry.path("orderId").asString(), token(winner))
                    .json();
            assertThat(o.path("status").asString()).isEqualTo("PENDING_PAYMENT");
            assertThat(Duration.between(
                            Instant.parse(o.path("createdAt").asString()),
                            Instant.parse(o.path("expiresAt").asString())))
                    .as("the winner's order has the sale's payment deadline")
                    .isEqualTo(paymentTimeout);
            firstOrders.add(o.path("id").asString());
        }

        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> winners(saleId).size() == 2 * units);
        assertThat(winners(saleId)).as("the units went on in draw order").isEqualTo(order.subList(0, 2 * units));
        for (int i = 0; i < units; i++) {
            String winner = order.get(i);
            JsonNode entry = http.get("/api/sales/" + saleId + "/entries/me", token(winner))
                    .json();
            assertThat(entry.path("state").asString()).isEqualTo("WON");
            assertThat(entry.path("orderId").asString()).isEqualTo(firstOrders.get(i));
            assertThat(http.get("/api/orders/" + firstOrders.get(i), token(winner))
                            .json()
                            .path("status")
                            .asString())
                    .isEqualTo("EXPIRED");
        }
        assertThat(http.get("/api/sales/" + saleId + "/entries/me", token(order.get(entrants - 1)))
                        .json()
                        .path("state")
                        .asString())
                .isEqualTo("WAITING_LIST");
        JsonNode stock = http.get("/api/sales/" + saleId, null).json().path("stock");
        assertThat(stock.path("reserved").asLong())
                .as("never more orders than units")
                .isEqualTo(units);
        assertThat(stock.path("available").asLong()).isZero();
    }

    private List<String> winners(String saleId) {
        List<String> winners = new ArrayList<>();
        for (JsonNode w :
                http.get("/api/sales/" + saleId + "/draw", null).json().path("winners")) {
            winners.add(w.path("userId").asString());
        }
        return winners;
    }

    @Test
    void aDrawIsRefusedClearly() {
        Instant now = Instant.now();
        String later = drawSale("later-draw", 3, now.plusSeconds(300), now.plusSeconds(600));
        Http.Response before = http.post("/api/sales/" + later + "/entries", token("erin"), "{}");
        assertThat(before.status()).isEqualTo(409);
        assertThat(before.code()).isEqualTo("SALE_NOT_ACTIVE");
        assertThat(http.get("/api/sales/" + later + "/draw", null)
                        .json()
                        .path("state")
                        .asString())
                .isEqualTo("SCHEDULED");
        assertThat(http.get("/api/sales/" + later + "/entries/me", token("erin"))
                        .status())
                .isEqualTo(404);
        String open = http.openSale(ADMIN, "not-a-draw", 3, 1);
        Http.Response noDraw = http.post("/api/sales/" + open + "/entries", token("erin"), "{}");
        assertThat(noDraw.status()).isEqualTo(409);
        assertThat(noDraw.code()).isEqualTo("INVALID_STATE");
        assertThat(http.get("/api/sales/" + open + "/draw", null).status()).isEqualTo(404);

        String json = Http.saleJson(
                        "bad-draw",
                        3,
                        2,
                        now.plusSeconds(60).toString(),
                        now.plusSeconds(120).toString())
                .replaceFirst("}$", ",\"access\":\"DRAW\",\"draw\":{\"entriesOpenAt\":\"" + now + "\"}}");
        Http.Response limit = http.post("/api/admin/sales", ADMIN, json);
        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.json().path("detail").asString()).contains("perUserLimit");
        Http.Response noPlan = http.post(
                "/api/admin/sales",
                ADMIN,
                Http.saleJson(
                                "no-plan",
                                3,
                                1,
                                now.plusSeconds(60).toString(),
                                now.plusSeconds(120).toString())
                        .replaceFirst("}$", ",\"access\":\"DRAW\"}"));
        assertThat(noPlan.status()).isEqualTo(400);
    }

    /** A run that outlived its lease, ending, leaves the lease another instance has taken since. */
    @Test
    void aRunnerReleasesOnlyTheLeaseItTook() {
        Instant now = Instant.now();
        String saleId = drawSale("lease", 1, now.plusSeconds(300), now.plusSeconds(600));
        Instant mine = now.plusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        assertThat(drawStore.lease(saleId, now, mine)).isTrue();
        assertThat(drawStore.lease(saleId, now, mine.plusSeconds(1)))
                .as("held by the first run")
                .isFalse();
        Instant later = mine.plusSeconds(1);
        Instant theirs = later.plusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        assertThat(drawStore.lease(saleId, later, theirs))
                .as("taken over once it ran out")
                .isTrue();
        drawStore.release(saleId, mine);
        assertThat(drawStore.lease(saleId, later, later.plusSeconds(30)))
                .as("the late first run did not end the second one's lease")
                .isFalse();
        drawStore.release(saleId, theirs);
        assertThat(drawStore.lease(saleId, later, later.plusSeconds(30)))
                .as("released by its holder")
                .isTrue();
    }

    /** A draw that asks for a proof of work takes no entry without the shopper's own solved challenge. */
    @Test
    void anEntryWithoutTheShoppersOwnProofOfWorkIsRefusedAndNotListed() {
        Instant now = Instant.now();
        String saleId = drawSale("work-draw", 3, now.minusSeconds(10), now.plusSeconds(600), ",\"proofOfWork\":8");
        String entries = "/api/sales/" + saleId + "/entries";
        Http.Response none = http.post(entries, token("ivy"), "{}");
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.code()).isEqualTo("CHALLENGE_FAILED");
        Challenged work = Challenged.fetch(http, saleId, token("ivy"), 8);
        for (String body : work.refusedBodies()) {
            Http.Response r = http.post(entries, token("ivy"), body);
            assertThat(r.status()).as(body).isEqualTo(403);
            assertThat(r.code()).isEqualTo("CHALLENGE_FAILED");
        }
        Http.Response foreign = http.post(entries, token("jack"), work.solvedBody());
        assertThat(foreign.status()).as("another shopper's solved challenge").isEqualTo(403);
        assertThat(foreign.code()).isEqualTo("CHALLENGE_FAILED");
        assertThat(http.get(entries + "/me", token("jack")).status())
                .as("a refused entry is no entry")
                .isEqualTo(404);
        assertThat(http.get(entries + "/me", token("ivy")).status()).isEqualTo(404);

        Http.Response solved = http.post(entries, token("ivy"), work.solvedBody());
        assertThat(solved.status()).as(solved.body()).isEqualTo(201);
        assertThat(solved.json().path("state").asString()).isEqualTo("ENTERED");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> http.get("/api/sales/" + saleId + "/draw", null)
                                .json()
                                .path("entries")
                                .asLong()
                        == 1);
    }

    /** Runs the shipped verifier as anyone would, with this JDK's java; answers its exit status. */
    private int verify(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Path.of("..", "tools", "VerifyDraw.java").toString()));
        command.addAll(List.of(args).subList(0, args.length - 1));
        command.add("http://127.0.0.1:" + port);
        command.add(args[args.length - 1]);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
        System.out.println(out);
        return p.exitValue();
    }

    /** The draw order as docs/fair-drops.md defines it, written here with nothing but the JDK. */
    private static List<String> drawOrder(String seedHex, List<String> users) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(HEX.parseHex(seedHex), "HmacSHA256"));
        Map<String, String> key = new ConcurrentHashMap<>();
        for (String u : users) {
            key.put(u, HEX.formatHex(mac.doFinal(u.getBytes(StandardCharsets.UTF_8))));
        }
        return users.stream()
                .sorted(Comparator.comparing((String u) -> key.get(u)).thenComparing(u -> u))
                .toList();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
