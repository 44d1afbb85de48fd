package io.stampede.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Browser;
import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The storefront and the dashboard in a real headless Chromium, driven as a shopper and an operator would: the
 * last unit sold in one browser while another sees the sale turn sold out without reloading, a double click that
 * buys once, a payment through the demo provider, a keyboard-only purchase on a phone-width screen, and an operator
 * who fixes a wrong field and watches the charts move during a burst. No page may log a console error. The
 * screenshots land in {@code target/screenshots} (and in {@code docs/screenshots} with
 * {@code -Dstampede.screenshots=../docs/screenshots}).
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
            admin.go(base() + "/admin");
            admin.byTestId("admin-token").sendKeys(ADMIN);
            admin.click("admin-sign-in");
            admin.waitFor().until(d -> admin.byTestId("dashboard").isDisplayed());

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
