package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.NginxEdge;
import io.stampede.testsupport.ServicesInitializer;
import io.stampede.testsupport.TestServices;
import io.stampede.testsupport.Together;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * The shipped edge ({@code deploy/edge/nginx.conf}) in front of a real instance: attempts beyond its rate, or beyond
 * its bound on attempts in progress, are turned away with the contract's 429 problem before they reach the instance,
 * and nothing a turned-away attempt sent is taken; everything else passes untouched. Runs where an {@code nginx} binary is installed (CI has one).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
            "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
            "stampede.demo-login=true"
        })
@ContextConfiguration(initializers = ServicesInitializer.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeIT {
    private static final int RATE = 4;
    private static final int BURST = 3;
    /** How the edge's own 429 begins its detail; the instance's 429s say something else. */
    private static final String EDGE_REFUSAL = "turned away at the edge";

    @LocalServerPort
    int port;

    private final List<NginxEdge> started = new ArrayList<>();
    private Http direct;

    @BeforeAll
    void requireNginx() {
        Assumptions.assumeTrue(NginxEdge.binary().isPresent(), "no nginx installed (CI has one)");
        direct = new Http("http://127.0.0.1:" + port);
    }

    @AfterAll
    void stopTheEdges() {
        started.forEach(NginxEdge::close);
    }

    /** deploy/edge/nginx.conf rendered for this instance and started on a free port; stopped after all tests. */
    private Http startEdge(int rate, int burst, int inFlight) {
        return startEdge(rate, burst, inFlight, 1_000, port);
    }

    private Http startEdge(int rate, int burst, int inFlight, int perClient, int upstreamPort) {
        NginxEdge edge = NginxEdge.start(new NginxEdge.Limits(rate, burst, inFlight, perClient), List.of(upstreamPort));
        started.add(edge);
        return edge.http();
    }

    @Test
    void attemptsBeyondTheRateAreTurnedAwayWithTheContractsProblemAndTakeNothing() throws Exception {
        // each test has an edge of its own, so that no test spends another's budget; this one is rationed by rate
        Http edge = startEdge(RATE, BURST, 10_000);
        String sale = openSale("edge-burst");
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String user = "edge-shopper-" + i;
            String token = direct.login(user);
            tasks.add(() -> edge.post(
                    "/api/sales/" + sale + "/purchases", token, "{\"quantity\":1}", "Idempotency-Key", "k-" + user));
        }
        Instant started = Instant.now();
        List<Http.Response> answers =
                Together.run(tasks).stream().map(Http.Response.class::cast).toList();
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;

        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.body()).isIn(201, 429));
        List<Http.Response> sold =
                answers.stream().filter(r -> r.status() == 201).toList();
        List<Http.Response> turnedAway =
                answers.stream().filter(r -> r.status() == 429).toList();
        // at most the burst, the one the rate allows at once, and what the rate refilled while the 40 were answered
        assertThat(sold).isNotEmpty().hasSizeLessThanOrEqualTo(BURST + 1 + (int) Math.ceil(RATE * seconds));
        assertThat(turnedAway).hasSizeGreaterThanOrEqualTo(40 - BURST - 1 - (int) Math.ceil(RATE * seconds));
        assertThat(turnedAway).allSatisfy(r -> {
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.code()).isEqualTo("RATE_LIMITED");
            assertThat(r.json().path("detail").asString())
                    .as("turned away by the edge, not the instance")
                    .startsWith(EDGE_REFUSAL);
            assertThat(r.json().path("status").asInt()).isEqualTo(429);
            assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
        });
        // a turned-away attempt never reached the instance: the stock holds exactly the orders that were answered
        assertThat(direct.get("/api/sales/" + sale, null)
                        .json()
                        .path("stock")
                        .path("reserved")
                        .asLong())
                .isEqualTo(sold.size());

        // it is a rate, not a quota: once it has refilled, the next attempt goes through
        String late = direct.login("edge-late");
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> edge.post(
                                        "/api/sales/" + sale + "/purchases",
                                        late,
                                        "{\"quantity\":1}",
                                        "Idempotency-Key",
                                        "late")
                                .status()
                        == 201);
    }

    @Test
    void everythingButTheAttemptsPassesUntouched() throws Exception {
        // an edge as strict as the first test's, with a budget of its own: reads far beyond its rate all pass
        Http edge = startEdge(RATE, BURST, 10_000);
        String sale = openSale("edge-reads");
        for (int i = 0; i < 3 * (RATE + BURST); i++) {
            Http.Response read = edge.get("/api/sales/" + sale, null);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().path("id").asString()).isEqualTo(sale);
        }
        // the instance's own answers come through as they are: a refusal of the instance keeps its code
        Http.Response unauthenticated = edge.post(
                "/api/sales/" + sale + "/purchases", null, "{\"quantity\":1}", "Idempotency-Key", "anonymous");
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(unauthenticated.code()).isEqualTo("UNAUTHENTICATED");
        // a path the edge does not ration does not reach a purchase either: the instance refuses to read it
        Http.Response spelledOut = edge.post(
                "/api/sales/" + sale + "/purchases;x=1",
                direct.login("edge-semi"),
                "{\"quantity\":1}",
                "Idempotency-Key",
                "semi");
        assertThat(spelledOut.status()).isEqualTo(400);
        assertThat(direct.get("/api/sales/" + sale, null)
                        .json()
                        .path("stock")
                        .path("reserved")
                        .asLong())
                .isZero();
    }

    @Test
    void attemptsBeyondTheBoundOnAttemptsInProgressAreTurnedAwayAndASlowClientLosesItsSlot() throws Exception {
        // no rate to speak of: one attempt at a time may be in progress behind this edge
        Http serial = startEdge(100_000, 100_000, 1);
        String sale = openSale("edge-in-flight");
        try (Socket holder = holdASlot(serial, sale)) {
            Http.Response refused = purchase(serial, sale, "edge-serial-1");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.code()).isEqualTo("RATE_LIMITED");
            assertThat(refused.json().path("detail").asString()).startsWith(EDGE_REFUSAL);
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isPositive();
            // the holder never sends its body: within the edge's body timeout (2 s) it loses the slot, so a few
            // clients that open attempts and stall cannot keep every shopper out
            Awaitility.await()
                    .atMost(Duration.ofSeconds(6))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> purchase(serial, sale, "edge-serial-2").status() == 201);
        }
        // the bound is on attempts in progress, not a count: one after another, every attempt passes
        for (int i = 3; i < 8; i++) {
            assertThat(purchase(serial, sale, "edge-serial-" + i).status()).isEqualTo(201);
        }
        assertThat(direct.get("/api/sales/" + sale, null)
                        .json()
                        .path("stock")
                        .path("reserved")
                        .asLong())
                .isEqualTo(6);
    }

    @Test
    void oneClientCannotTakeMoreThanItsShareOfTheSlots() throws Exception {
        // a hundred attempts may be in progress, but one client address only one of them
        Http edge = startEdge(100_000, 100_000, 100, 1, port);
        String sale = openSale("edge-per-client");
        try (Socket holder = holdASlot(edge, sale)) {
            Http.Response refused = purchase(edge, sale, "edge-client-1");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().path("detail").asString()).startsWith(EDGE_REFUSAL);
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> purchase(edge, sale, "edge-client-2").status() == 201);
    }

    @Test
    void withNoInstanceAnsweringTheEdgeAnswersTheContractsUnavailable() throws Exception {
        Http orphan = startEdge(100_000, 100_000, 100, 1_000, TestServices.freePort());
        for (String path : List.of("/api/sales/x/purchases", "/api/sales")) {
            Http.Response down =
                    path.endsWith("purchases") ? purchase(orphan, "x", "edge-orphan") : orphan.get(path, null);
            assertThat(down.status()).as(path).isEqualTo(503);
            assertThat(down.header("Content-Type")).startsWith("application/problem+json");
            assertThat(down.code()).isEqualTo("UNAVAILABLE");
            assertThat(Integer.parseInt(down.header("Retry-After"))).isPositive();
        }
    }

    private Http.Response purchase(Http through, String sale, String user) {
        return through.post(
                "/api/sales/" + sale + "/purchases",
                direct.login(user),
                "{\"quantity\":1}",
                "Idempotency-Key",
                "k-" + user);
    }

    /** Opens an attempt through the edge that sends its headers and never its body, and waits until it is counted. */
    private Socket holdASlot(Http through, String sale) throws Exception {
        URI base = URI.create(through.base());
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.getOutputStream()
                .write(("POST /api/sales/" + sale + "/purchases HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Authorization: Bearer " + direct.login("edge-holder")
                                + "\r\nIdempotency-Key: held\r\n"
                                + "Content-Type: application/json\r\nContent-Length: 14\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        Thread.sleep(300); // the edge reads the headers and takes the slot at once; this is only slack
        return socket;
    }

    private String openSale(String name) {
        return direct.openSale(IntegrationTest.ADMIN_TOKEN, name, 1_000, 1);
    }
}
