package io.stampede.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Browser;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The storefront and the dashboard in a real headless Chromium, driven as a shopper and an operator would: the
 * last unit sold in one browser while another sees the sale turn sold out without reloading, a double click that
 * buys once, a payment through the demo provider, a keyboard-only purchase on a phone-width screen, and an operator
 * who fixes a wrong field and watches the charts move during a burst; and the fair drops of {@code
 * docs/fair-drops.md}: a shopper who proves their work, waits their turn in a waiting room and buys with the pass it
 * gives, while the operator changes the room's rate live, and a draw entered from two browsers, whose result each
 * page shows and whose verifier recomputes it. No page may log a console error. The screenshots land in {@code
 * target/screenshots} (and in {@code docs/screenshots} with {@code -Dstampede.screenshots=../docs/screenshots}).
 */
@IntegrationTest
class BrowserIT {
    private static final String ADMIN = IntegrationTest.ADMIN_TOKEN;
    private static final int PHONE = 390;

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(base());
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private String sale(String name, long stock, int limit) {
        Instant now = Instant.now();
        Http.Response r = http.post(
                "/api/admin/sales",
                ADMIN,
                Http.saleJson(
                        name,
                        stock,
                        limit,
                        now.minusSeconds(5).toString(),
                        now.plusSeconds(3600).toString()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    private void signIn(Browser b, String user) {
        b.go(base() + "/");
        WebElement field = b.byTestId("user-id");
        field.clear();
        field.sendKeys(user);
        b.click("sign-in");
        b.awaitText("signed-in-as", user);
    }

    private List<JsonNode> ordersOf(String user, String saleId) {
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode o : http.get("/api/me/orders", http.login(user)).json().path("items")) {
            if (o.path("saleId").asString().equals(saleId)) {
                mine.add(o);
            }
        }
        return mine;
    }

    private static void noHorizontalScroll(Browser b) {
        Object fits = b.script("return document.documentElement.scrollWidth <= window.innerWidth;");
        assertThat(fits).as("the page fits the width of a phone").isEqualTo(true);
    }

    @Test
    void oneBrowserBuysTheLastUnitAndAnotherSeesItSoldOutWithoutReloading() {
        String saleId = sale("last-unit", 1, 1);
        try (Browser alice = Browser.open(1280, 900);
                Browser bob = Browser.open(PHONE, 844)) {
            signIn(alice, "browser-alice");
            signIn(bob, "browser-bob");
            bob.byTestId("sale-" + saleId);
            bob.awaitText("state-" + saleId, "ACTIVE");
            bob.script("window.__notReloaded = true;");

            alice.click("buy-" + saleId);
            alice.waitFor()
                    .until(d ->
                            "bought".equals(alice.byTestId("outcome-" + saleId).getAttribute("data-outcome")));

            bob.awaitText("state-" + saleId, "SOLD_OUT");
            bob.awaitText("available-" + saleId, "0");
            assertThat(bob.script("return window.__notReloaded === true;"))
                    .as("the sale turned sold out by a push, not a reload")
                    .isEqualTo(true);
            noHorizontalScroll(bob);
            bob.screenshot("storefront-phone-sold-out");
            alice.screenshot("storefront-bought");

            bob.click("buy-" + saleId);
            bob.waitFor()
                    .until(d ->
                            "sold_out".equals(bob.byTestId("outcome-" + saleId).getAttribute("data-outcome")));
            assertThat(bob.textOf("outcome-" + saleId).toLowerCase(Locale.ROOT)).contains("sold out");
            assertThat(alice.consoleErrors()).isEmpty();
            assertThat(bob.consoleErrors()).isEmpty();
        }
        assertThat(ordersOf("browser-alice", saleId)).hasSize(1);
        assertThat(ordersOf("browser-bob", saleId)).isEmpty();
    }

    @Test
    void aDoubleClickBuysOnce() {
        String saleId = sale("double-click", 10, 5);
        try (Browser carol = Browser.open(1280, 900)) {
            signIn(carol, "browser-carol");
            WebElement buy = carol.byTestId("buy-" + saleId);
            new Actions(carol.driver()).doubleClick(buy).perform();
            carol.waitFor()
                    .until(d ->
                            "bought".equals(carol.byTestId("outcome-" + saleId).getAttribute("data-outcome")));
            // whatever the second click did, it is over once the button is enabled again
            carol.waitFor().until(d -> carol.byTestId("buy-" + saleId).isEnabled());
            assertThat(carol.consoleErrors()).isEmpty();
        }
        assertThat(ordersOf("browser-carol", saleId))
                .as("a limit of 5 would have allowed a second order: one key per intended purchase prevents it")
                .hasSize(1);
    }

    @Test
    void aShopperPaysThroughTheDemoProviderAndSeesPaid() {
        String saleId = sale("pay-in-browser", 10, 1);
        try (Browser dave = Browser.open(1280, 900)) {
            signIn(dave, "browser-dave");
            dave.click("buy-" + saleId);
            dave.waitFor()
                    .until(d ->
                            "bought".equals(dave.byTestId("outcome-" + saleId).getAttribute("data-outcome")));
            String orderId =
                    ordersOf("browser-dave", saleId).getFirst().path("id").asString();
            dave.awaitText("order-status-" + orderId, "PENDING_PAYMENT");
            assertThat(dave.textOf("expires-" + orderId))
                    .as("the payment deadline counts down")
                    .isNotBlank();
            dave.screenshot("storefront-order-pending");

            dave.click("pay-" + orderId);
            dave.waitFor().until(d -> d.getCurrentUrl().contains("/demo/pay"));
            dave.click("pay-succeed");
            dave.awaitText("pay-result", "PAID");
            dave.screenshot("demo-payment-provider");

            dave.go(base() + "/");
            dave.awaitText("order-status-" + orderId, "PAID");
            assertThat(dave.consoleErrors()).isEmpty();
        }
        assertThat(http.get(
                                "/api/orders/"
                                        + ordersOf("browser-dave", saleId)
                                                .getFirst()
                                                .path("id")
                                                .asString(),
                                http.login("browser-dave"))
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("PAID");
    }

    @Test
    void aShopperBuysByKeyboardAloneOnAPhone() {
        String saleId = sale("keyboard", 10, 1);
        try (Browser erin = Browser.open(PHONE, 844)) {
            signIn(erin, "browser-erin");
            erin.byTestId("buy-" + saleId);
            String target = "buy-" + saleId;
            boolean reached = false;
            for (int tab = 0; tab < 80 && !reached; tab++) {
                erin.driver().switchTo().activeElement().sendKeys(Keys.TAB);
                reached = target.equals(erin.driver().switchTo().activeElement().getAttribute("data-testid"));
            }
            assertThat(reached).as("the buy button is reachable with Tab").isTrue();
            erin.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
            erin.waitFor()
                    .until(d ->
                            "bought".equals(erin.byTestId("outcome-" + saleId).getAttribute("data-outcome")));
            noHorizontalScroll(erin);
            assertThat(erin.consoleErrors()).isEmpty();
        }
        assertThat(ordersOf("browser-erin", saleId)).hasSize(1);
    }

    @Test
    void anOperatorFixesAWrongFieldThenWatchesTheChartsMoveDuringABurst() throws Exception {
        try (Browser admin = Browser.open(1280, 1000)) {
            openDashboard(admin);

            String name = "operator-" + System.nanoTime();
            type(admin, "sale-name", name);
            type(admin, "sale-sku", "OP-1");
            type(admin, "sale-stock", "0");
            type(admin, "sale-priceCents", "1999");
            admin.click("create-sale-submit");
            admin.waitFor()
                    .withMessage("the stock's error next to the stock field")
                    .until(d -> !admin.textOf("error-stock").isBlank());
            assertThat(admin.textOf("error-stock")).contains("stock");
            admin.screenshot("dashboard-validation-error");

            type(admin, "sale-stock", "200");
            admin.click("create-sale-submit");
            admin.waitFor().until(d -> !admin.textOf("create-sale-result").isBlank());
            assertThat(admin.textOf("error-stock")).isBlank();
            String saleId = createdSale(name);

            admin.click("select-" + saleId);
            WebElement stockChart = admin.byTestId("stock-chart");
            WebElement attemptsChart = admin.byTestId("attempts-chart");
            admin.waitFor().until(d -> samples(stockChart) > 0);

            burst(saleId, 400);

            admin.waitFor()
                    .withMessage("the dashboard shows the burst's attempts")
                    .until(d -> {
                        Object seen = admin.script(
                                "return Array.from(document.querySelectorAll('[data-testid=attempts-total]'))"
                                        + ".map(e => e.textContent).join(' ');");
                        return seen != null && seen.toString().matches(".*[1-9].*");
                    });
            admin.awaitText("reserved-" + saleId, "200"); // the burst's 200 orders await payment
            admin.awaitText("available-" + saleId, "0");
            assertThat(samples(attemptsChart)).isPositive();
            assertThat(samples(stockChart)).isGreaterThan(1);
            admin.screenshot("dashboard-burst");
            assertThat(admin.consoleErrors()).isEmpty();
        }
    }

    @Test
    void aShopperProvesTheirWorkWaitsTheirTurnInTheWaitingRoomAndBuysWithTheAdmissionToken() throws Exception {
        String saleId;
        int early = 12;
        int admitPerSecond = 2;
        try (Browser frank = Browser.open(1280, 900)) {
            signIn(frank, "browser-frank");
            // the room opened a minute ago and lets shoppers through from a few seconds on
            Instant now = Instant.now();
            Instant startsAt = now.plusSeconds(12);
            saleId = createSale(roomSaleJson("waiting-room", 20, now.minusSeconds(60), startsAt, admitPerSecond, 8));
            for (int i = 0; i < early; i++) {
                joinRoomThroughApi(saleId, "room-early-" + i);
            }
            frank.awaitText("room-waiting-" + saleId, String.valueOf(early));
            assertThat(frank.textOf("join-" + saleId)).isEqualTo("Join the waiting room");
            assertThat(frank.byTestId("buy-" + saleId).isEnabled())
                    .as("no buying before one's turn")
                    .isFalse();

            // joining after the opening queues behind everyone who joined before it (their places drawn at random)
            sleepUntil(startsAt.plusMillis(300));
            recordTexts(frank, "pow-" + saleId);
            frank.click("join-" + saleId);
            frank.waitFor()
                    .withMessage("the shopper waits in the room")
                    .until(d -> "WAITING".equals(stateOf(frank, "room-" + saleId)));
            assertThat(recordedTexts(frank))
                    .as("the page says what it does while it solves the proof of work")
                    .anyMatch(t -> t.contains("Checking your browser"));
            assertThat(frank.byTestId("pow-" + saleId).getAttribute("data-state"))
                    .isEqualTo("solved");
            Map<?, ?> place = (Map<?, ?>) frank.script(
                    "const t = (id) => document.querySelector(`[data-testid=\"${id}\"]`).textContent;"
                            + "return {place: t(arguments[0]), ahead: t(arguments[1]), wait: t(arguments[2])};",
                    "room-place-" + saleId,
                    "room-ahead-" + saleId,
                    "room-wait-" + saleId);
            assertThat(place.get("place"))
                    .as("behind the %d who joined before the opening", early)
                    .isEqualTo(String.valueOf(early + 1));
            assertThat(Integer.parseInt(String.valueOf(place.get("ahead")))).isPositive();
            assertThat(String.valueOf(place.get("wait"))).matches("about \\d+s");
            assertThat(frank.byTestId("buy-" + saleId).isEnabled()).isFalse();
            frank.screenshot("storefront-waiting-room");

            // at 2 a second, place 13 is reached about 6.5 s after the opening; the page then fetches its pass
            longWait(frank, Duration.ofSeconds(30))
                    .withMessage("the room lets the shopper through")
                    .until(d -> "ADMITTED".equals(stateOf(frank, "room-" + saleId)));
            assertThat(frank.textOf("room-message-" + saleId)).contains("your turn");
            frank.click("buy-" + saleId);
            frank.waitFor()
                    .until(d ->
                            "bought".equals(frank.byTestId("outcome-" + saleId).getAttribute("data-outcome")));
            frank.screenshot("storefront-waiting-room-bought");
            assertThat(frank.consoleErrors()).isEmpty();
        }
        assertThat(ordersOf("browser-frank", saleId)).hasSize(1);
        Http.Response withoutPass = http.post(
                "/api/sales/" + saleId + "/purchases",
                http.login("room-early-0"),
                "{\"quantity\":1}",
                "Idempotency-Key",
                "no-pass");
        assertThat(withoutPass.status())
                .as("the page's purchase went through because it sent the pass")
                .isEqualTo(403);
        assertThat(withoutPass.code()).isEqualTo("ADMISSION_REQUIRED");

        try (Browser admin = Browser.open(1280, 1000)) {
            openDashboard(admin);
            admin.click("select-" + saleId);
            admin.waitFor().until(d -> admin.byTestId("room-panel").isDisplayed());
            admin.awaitText("room-rate", String.valueOf(admitPerSecond));
            admin.waitFor()
                    .withMessage("the room's figures")
                    .until(d -> admin.textOf("room-admitted").matches("\\d+")
                            && Integer.parseInt(admin.textOf("room-admitted")) >= early + 1);
            admin.awaitText("detail-access", "WAITING_ROOM");
            type(admin, "room-rate-input", "5");
            admin.click("room-rate-submit");
            admin.awaitText("room-rate-result", "5 shoppers through per second");
            admin.awaitText("room-rate", "5");
            admin.screenshot("dashboard-waiting-room");
            assertThat(admin.consoleErrors()).isEmpty();
        }
        assertThat(http.get("/api/sales/" + saleId, null)
                        .json()
                        .path("waitingRoom")
                        .path("admitPerSecond")
                        .asInt())
                .isEqualTo(5);
    }

    @Test
    void aDrawEnteredFromTwoBrowsersIsShownToEachAndRecomputedByTheVerifier() throws Exception {
        int units = 5;
        List<String> shoppers = List.of("browser-gina", "browser-hank");
        try (Browser gina = Browser.open(1280, 900);
                Browser hank = Browser.open(PHONE, 844)) {
            List<Browser> pages = List.of(gina, hank);
            for (int i = 0; i < pages.size(); i++) {
                signIn(pages.get(i), shoppers.get(i));
            }
            String name = "draw-" + System.nanoTime();
            Instant startsAt = createDrawInTheDashboard(name, units);
            String saleId = createdSale(name);
            JsonNode sale = http.get("/api/sales/" + saleId, null).json();
            assertThat(sale.path("access").asString()).isEqualTo("DRAW");
            String seedHash = sale.path("draw").path("seedHash").asString();
            assertThat(seedHash).as("published before anyone enters").matches("[0-9a-f]{64}");

            for (String user : List.of("draw-api-0", "draw-api-1", "draw-api-2", "draw-api-3")) {
                Http.Response r = http.post("/api/sales/" + saleId + "/entries", http.login(user), "{}");
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }
            for (Browser b : pages) {
                b.awaitText("draw-seed-hash-" + saleId, seedHash);
                assertThat(b.has("buy-" + saleId) && b.byTestId("buy-" + saleId).isDisplayed())
                        .as("a draw is not bought")
                        .isFalse();
                b.click("enter-" + saleId);
                b.waitFor().until(d -> "ENTERED".equals(stateOf(b, "entry-" + saleId)));
            }
            gina.awaitText("draw-entries-" + saleId, "6");
            noHorizontalScroll(hank);
            hank.screenshot("storefront-phone-draw-entered");
            assertThat(Instant.now())
                    .as("the entries were made before the draw")
                    .isBefore(startsAt);

            for (Browser b : pages) {
                longWait(b, Duration.between(Instant.now(), startsAt).plusSeconds(30))
                        .withMessage("the page shows the result of the draw")
                        .until(d -> Set.of("WON", "WAITING_LIST").contains(stateOf(b, "entry-" + saleId)));
            }
            JsonNode draw = http.get("/api/sales/" + saleId + "/draw", null).json();
            assertThat(draw.path("state").asString()).isEqualTo("DRAWN");
            List<String> winners = new ArrayList<>();
            for (JsonNode w : draw.path("winners")) {
                winners.add(w.path("userId").asString());
            }
            assertThat(winners).hasSize(units);
            int won = 0;
            for (int i = 0; i < pages.size(); i++) {
                Browser b = pages.get(i);
                JsonNode entry = http.get("/api/sales/" + saleId + "/entries/me", http.login(shoppers.get(i)))
                        .json();
                String state = entry.path("state").asString();
                assertThat(stateOf(b, "entry-" + saleId))
                        .as("the page of %s shows what the service says", shoppers.get(i))
                        .isEqualTo(state);
                assertThat(winners.contains(shoppers.get(i))).isEqualTo(state.equals("WON"));
                if (state.equals("WON")) {
                    won++;
                    String orderId = entry.path("orderId").asString();
                    assertThat(b.textOf("entry-" + saleId)).contains("You won").contains(orderId.substring(0, 8));
                    b.awaitText("order-status-" + orderId, "PENDING_PAYMENT");
                    assertThat(b.has("pay-" + orderId))
                            .as("the won order can be paid")
                            .isTrue();
                } else {
                    b.awaitText(
                            "entry-" + saleId, "number " + entry.path("rank").asInt());
                }
            }
            assertThat(won)
                    .as("5 units for 6 entrants: at least one of the two won")
                    .isPositive();
            gina.awaitText(
                    "draw-entries-hash-" + saleId, draw.path("entriesHash").asString());
            gina.awaitText("draw-seed-" + saleId, draw.path("seed").asString());
            gina.screenshot("storefront-draw-result");
            hank.screenshot("storefront-phone-draw-result");

            gina.click("verify-link-" + saleId);
            gina.waitFor().until(d -> d.getCurrentUrl().contains("/draw/verify?sale=" + saleId));
            longWait(gina, Duration.ofSeconds(30))
                    .withMessage("the verifier recomputes the draw")
                    .until(d -> !"pending".equals(gina.byTestId("verify-result").getAttribute("data-result")));
            for (String check : List.of("seed-hash", "entries-hash", "entries-list", "winners")) {
                assertThat(gina.byTestId("check-" + check).getAttribute("data-result"))
                        .as("check %s: %s", check, gina.textOf("check-" + check))
                        .isEqualTo("pass");
            }
            assertThat(gina.byTestId("verify-result").getAttribute("data-result"))
                    .isEqualTo("pass");
            Set<String> highlighted = new HashSet<>();
            for (int rank = 1; rank <= 6; rank++) {
                WebElement row = gina.byTestId("order-row-" + rank);
                if (rank <= units) {
                    assertThat(row.getAttribute("data-user")).isEqualTo(winners.get(rank - 1));
                }
                if ("true".equals(row.getAttribute("data-winner"))) {
                    highlighted.add(row.getAttribute("data-user"));
                }
            }
            assertThat(highlighted).containsExactlyInAnyOrderElementsOf(winners);

            String list =
                    http.get("/api/sales/" + saleId + "/draw/entries", null).body();
            assertThat(list.lines()).hasSize(6);
            gina.byTestId("paste-entries").sendKeys(list);
            gina.click("paste-check");
            gina.waitFor()
                    .until(d -> "pass".equals(gina.byTestId("paste-result").getAttribute("data-result")));
            gina.screenshot("draw-verifier");
            WebElement paste = gina.byTestId("paste-entries");
            paste.clear();
            paste.sendKeys(list + "slipped-in\n");
            gina.click("paste-check");
            gina.waitFor()
                    .until(d -> "fail".equals(gina.byTestId("paste-result").getAttribute("data-result")));
            assertThat(gina.textOf("paste-result")).contains("slipped-in");
            assertThat(gina.consoleErrors()).isEmpty();
            assertThat(hank.consoleErrors()).isEmpty();

            try (Browser admin = Browser.open(1280, 1000)) {
                openDashboard(admin);
                admin.click("select-" + saleId);
                admin.waitFor().until(d -> admin.byTestId("draw-panel").isDisplayed());
                admin.awaitText("draw-state", "DRAWN");
                admin.awaitText("draw-entries", "6");
                admin.awaitText("draw-winners", String.valueOf(units));
                assertThat(admin.textOf("draw-seed-hash")).isEqualTo(seedHash);
                // the operator sees who won, by name and in draw order, as the draw publishes them
                JsonNode published =
                        http.get("/api/sales/" + saleId + "/draw", null).json().path("winners");
                assertThat(published.size()).isEqualTo(units);
                for (JsonNode w : published) {
                    assertThat(admin.textOf("draw-winner-" + w.path("rank").asInt()))
                            .as("winner %d on the dashboard", w.path("rank").asInt())
                            .isEqualTo(w.path("userId").asString());
                }
                assertThat(admin.textOf("draw-winner-list").lines().toList())
                        .as("the dashboard's winners, in draw order")
                        .hasSize(units);
                admin.screenshot("dashboard-draw");
                assertThat(admin.consoleErrors()).isEmpty();
            }
        }
    }

    /**
     * The operator creates a draw in the dashboard's form, its entries open since a minute and closing (the draw
     * made) in 15 s; returns that moment, in the whole seconds the form sends.
     */
    private Instant createDrawInTheDashboard(String name, int units) {
        try (Browser admin = Browser.open(1280, 1000)) {
            openDashboard(admin);
            type(admin, "sale-name", name);
            type(admin, "sale-sku", "DRAW-1");
            type(admin, "sale-stock", String.valueOf(units));
            new Select(admin.byTestId("sale-access")).selectByValue("DRAW");
            admin.waitFor().until(d -> admin.byTestId("sale-draw-fields").isDisplayed());
            assertThat(admin.byTestId("sale-perUserLimit").getAttribute("value"))
                    .as("a winner gets one unit")
                    .isEqualTo("1");
            Instant now = Instant.now();
            Instant startsAt = Instant.ofEpochSecond(now.plusSeconds(15).getEpochSecond());
            setLocalTime(admin, "sale-draw-entriesOpenAt", now.minusSeconds(60));
            setLocalTime(admin, "sale-startsAt", startsAt);
            setLocalTime(admin, "sale-endsAt", startsAt.plusSeconds(3600));
            admin.click("create-sale-submit");
            admin.waitFor()
                    .withMessage("the form creates the draw: " + admin.textOf("create-sale-error"))
                    .until(d -> !admin.textOf("create-sale-result").isBlank());
            assertThat(admin.textOf("create-sale-result")).contains("by draw");
            assertThat(admin.consoleErrors()).isEmpty();
            return startsAt;
        }
    }

    private void openDashboard(Browser admin) {
        admin.go(base() + "/admin");
        admin.byTestId("admin-token").sendKeys(ADMIN);
        admin.click("admin-sign-in");
        admin.waitFor().until(d -> admin.byTestId("dashboard").isDisplayed());
    }

    private String createSale(String json) {
        Http.Response r = http.post("/api/admin/sales", ADMIN, json);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    private static String roomSaleJson(
            String name, long stock, Instant opensAt, Instant startsAt, int admitPerSecond, int proofOfWork) {
        return "{\"name\":\"" + name + "\",\"sku\":\"SKU-" + name + "\",\"stock\":" + stock + ",\"priceCents\":4990,"
                + "\"startsAt\":\"" + startsAt + "\",\"endsAt\":\"" + startsAt.plusSeconds(3600)
                + "\",\"perUserLimit\":1,"
                + "\"access\":\"WAITING_ROOM\",\"waitingRoom\":{\"opensAt\":\"" + opensAt + "\",\"admitPerSecond\":"
                + admitPerSecond + "},\"proofOfWork\":" + proofOfWork + "}";
    }

    /** A shopper joins through the API, answering the sale's proof of work as the page does. */
    private void joinRoomThroughApi(String saleId, String user) {
        String token = http.login(user);
        JsonNode challenge =
                http.get("/api/sales/" + saleId + "/challenge", token).json();
        String answer = challenge.path("challenge").asString();
        String nonce = solveProofOfWork(answer, challenge.path("difficulty").asInt());
        Http.Response r = http.post(
                "/api/sales/" + saleId + "/room",
                token,
                "{\"challenge\":\"" + answer + "\",\"nonce\":\"" + nonce + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /** The first decimal nonce whose SHA-256 of {@code challenge + ":" + nonce} starts with {@code difficulty} zero bits. */
    static String solveProofOfWork(String challenge, int difficulty) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (long n = 0; ; n++) {
            byte[] hash = sha.digest((challenge + ":" + n).getBytes(StandardCharsets.UTF_8));
            if (leadingZeroBits(hash) >= difficulty) {
                return Long.toString(n);
            }
        }
    }

    static int leadingZeroBits(byte[] hash) {
        int bits = 0;
        for (byte b : hash) {
            if (b != 0) {
                return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
            }
            bits += 8;
        }
        return bits;
    }

    private static String stateOf(Browser b, String testId) {
        return b.byTestId(testId).getAttribute("data-state");
    }

    private static WebDriverWait longWait(Browser b, Duration timeout) {
        return new WebDriverWait(b.driver(), timeout, Duration.ofMillis(100));
    }

    private static void sleepUntil(Instant at) throws InterruptedException {
        Duration left = Duration.between(Instant.now(), at);
        if (!left.isNegative()) {
            Thread.sleep(left);
        }
    }

    /** Keeps every text the element shows from now on, however briefly, for {@link #recordedTexts}. */
    private static void recordTexts(Browser b, String testId) {
        b.script(
                "const n = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); window.__texts = [];"
                        + "new MutationObserver(() => window.__texts.push(n.textContent))"
                        + ".observe(n, {childList: true, characterData: true, subtree: true});",
                testId);
    }

    private static List<String> recordedTexts(Browser b) {
        List<String> texts = new ArrayList<>();
        if (b.script("return window.__texts;") instanceof List<?> all) {
            for (Object t : all) {
                texts.add(String.valueOf(t));
            }
        }
        return texts;
    }

    /** Sets a datetime-local input to the instant in the browser's time zone, as a person picking it would. */
    private static void setLocalTime(Browser b, String testId, Instant at) {
        b.script(
                "const d = new Date(arguments[1]); const p = (n) => String(n).padStart(2, '0');"
                        + "const n = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);"
                        + "n.value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T`"
                        + " + `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;"
                        + "n.dispatchEvent(new Event('input', {bubbles: true}));"
                        + "n.dispatchEvent(new Event('change', {bubbles: true}));",
                testId,
                at.toEpochMilli());
    }

    private String createdSale(String name) {
        for (JsonNode s : http.get("/api/sales", null).json().path("items")) {
            if (s.path("name").asString().equals(name)) {
                return s.path("id").asString();
            }
        }
        throw new AssertionError("the form created no sale named " + name);
    }

    private static int samples(WebElement chart) {
        String n = chart.getAttribute("data-samples");
        return n == null ? 0 : Integer.parseInt(n);
    }

    private static void type(Browser b, String testId, String text) {
        WebElement field = b.byTestId(testId);
        field.clear();
        field.sendKeys(text);
    }

    /** {@code shoppers} distinct shoppers buy at once, as the bench's burst does. */
    private void burst(String saleId, int shoppers) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < shoppers; i++) {
            tokens.add(http.login("burst-" + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
            List<Future<Integer>> all = new ArrayList<>();
            for (String token : tokens) {
                all.add(pool.submit(() -> {
                    go.await();
                    return http.post(
                                    "/api/sales/" + saleId + "/purchases",
                                    token,
                                    "{\"quantity\":1}",
                                    "Idempotency-Key",
                                    "burst")
                            .status();
                }));
            }
            go.countDown();
            int placed = 0;
            for (Future<Integer> f : all) {
                placed += f.get() == 201 ? 1 : 0;
            }
            assertThat(placed).isEqualTo(200);
        }
    }
}
