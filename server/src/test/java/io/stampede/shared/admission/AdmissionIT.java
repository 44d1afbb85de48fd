package io.stampede.shared.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.stampede.testsupport.Http;
import io.stampede.testsupport.IntegrationTest;
import io.stampede.testsupport.ServicesInitializer;
import io.stampede.testsupport.Together;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * Admission control: a user past their rate gets 429 with Retry-After, on purchases as on joins and entries; other
 * users are not affected.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "stampede.admin-token=" + IntegrationTest.ADMIN_TOKEN,
            "stampede.jwt-secret=" + IntegrationTest.JWT_SECRET,
            "stampede.demo-login=true",
            "stampede.admission.per-user-per-second=3"
        })
@ContextConfiguration(initializers = ServicesInitializer.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AdmissionIT {
    @LocalServerPort
    int port;

    @Test
    void aUserPastTheirRateIsToldToComeBackLaterAndNothingIsTaken() throws Exception {
        Http http = new Http("http://127.0.0.1:" + port);
        String sale = openSale(http, "adm");
        String hammer = http.login("hammer");
        List<Callable<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String key = "k" + i;
            tasks.add(() ->
                    http.post("/api/sales/" + sale + "/purchases", hammer, "{\"quantity\":1}", "Idempotency-Key", key));
        }
        List<Http.Response> answers =
                Together.run(tasks).stream().map(Http.Response.class::cast).toList();
        List<Http.Response> limited =
                answers.stream().filter(r -> r.status() == 429).toList();
        assertThat(limited).as("most of 30 simultaneous attempts of one user").hasSizeGreaterThanOrEqualTo(20);
        assertThat(limited).allSatisfy(r -> {
            assertThat(r.code()).isEqualTo("RATE_LIMITED");
            assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
        });
        assertThat(answers).allSatisfy(r -> assertThat(r.status()).isIn(201, 409, 429));
        assertThat(answers.stream().filter(r -> r.status() == 201).count()).isEqualTo(1);

        // another user is not slowed down by the first one's limit
        Http.Response other = http.post(
                "/api/sales/" + sale + "/purchases", http.login("calm"), "{\"quantity\":1}", "Idempotency-Key", "k");
        assertThat(other.status()).isEqualTo(201);
        assertThat(http.get("/api/sales/" + sale, null)
                        .json()
                        .path("stock")
                        .path("reserved")
                        .asLong())
                .isEqualTo(2);
    }

    /**
     * A waiting room's joins and a draw's entries are rate-limited per user like purchases: a bot hammering them with
     * one account gets 429 with Retry-After, holds one place or entry, and does not slow anyone else down.
     */
    @Test
    void joinsAndEntriesPastAUsersRateAreToldToComeBackLaterAndHoldOnePlace() throws Exception {
        Http http = new Http("http://127.0.0.1:" + port);
        Instant now = Instant.now();
        String room = turnSale(
                http,
                "adm-room",
                now.plusSeconds(600),
                "\"access\":\"WAITING_ROOM\",\"waitingRoom\":{\"opensAt\":\"" + now.minusSeconds(5)
                        + "\",\"admitPerSecond\":10}");
        String draw = turnSale(
                http,
                "adm-draw",
                now.plusSeconds(600),
                "\"access\":\"DRAW\",\"draw\":{\"entriesOpenAt\":\"" + now.minusSeconds(5) + "\"}");
        List<String> paths = List.of("/api/sales/" + room + "/room", "/api/sales/" + draw + "/entries");
        for (int p = 0; p < paths.size(); p++) {
            String path = paths.get(p);
            String bot = http.login("bot-" + p);
            List<Callable<Object>> tasks = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                tasks.add(() -> http.post(path, bot, "{}"));
            }
            List<Http.Response> answers =
                    Together.run(tasks).stream().map(Http.Response.class::cast).toList();
            List<Http.Response> limited =
                    answers.stream().filter(r -> r.status() == 429).toList();
            assertThat(limited)
                    .as("most of 30 simultaneous posts to %s of one user", path)
                    .hasSizeGreaterThanOrEqualTo(20);
            assertThat(limited).allSatisfy(r -> {
                assertThat(r.code()).isEqualTo("RATE_LIMITED");
                assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
            });
            assertThat(answers)
                    .as("one place or entry is made, the others admitted find it")
                    .allSatisfy(r -> assertThat(r.status()).isIn(200, 201, 429));
            assertThat(answers.stream().filter(r -> r.status() == 201).count())
                    .as("new places or entries made at %s", path)
                    .isEqualTo(1);
            // another user is not slowed down by the first one's limit
            Http.Response other = http.post(path, http.login("calm-" + p), "{}");
            assertThat(other.status()).as(other.body()).isEqualTo(201);
        }
        assertThat(http.get("/api/sales/" + room, null)
                        .json()
                        .path("waitingRoom")
                        .path("waiting")
                        .asLong())
                .as("shoppers in the room")
                .isEqualTo(2);
        // an instance counts the entries afresh at most once a second
        Awaitility.await("entries in the draw")
                .atMost(Duration.ofSeconds(5))
                .until(() -> http.get("/api/sales/" + draw + "/draw", null)
                                .json()
                                .path("entries")
                                .asLong()
                        == 2);
    }

    private static String turnSale(Http http, String name, Instant startsAt, String access) {
        Http.Response r =
                http.post("/api/admin/sales", IntegrationTest.ADMIN_TOKEN, Http.saleJson(name, 10, startsAt, access));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    @Test
    void aTurnedAwayAttemptKeepsItsConnectionSoTheNextRequestNeedsNoNewOne() throws Exception {
        Http http = new Http("http://127.0.0.1:" + port);
        String sale = openSale(http, "keep");
        String token = http.login("keeper");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            List<Integer> statuses = new ArrayList<>();
            // one connection, as from a load balancer: past the user's rate of 3 per second the answer is 429 ...
            for (int i = 0; i < 6 && !statuses.contains(429); i++) {
                String body = "{\"quantity\":1}";
                out.write(("POST /api/sales/" + sale + "/purchases HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Authorization: Bearer " + token + "\r\nIdempotency-Key: k" + i
                                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                                + body)
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                statuses.add(readStatus(in));
            }
            assertThat(statuses).contains(429);
            // ... and the same connection still serves the next request (Tomcat closes it after a 503)
            out.write(("GET /api/sales/" + sale + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readStatus(in)).isEqualTo(200);
        }
    }

    /** An open sale of 100 units, limit 1; returns its id. */
    private static String openSale(Http http, String name) throws Exception {
        return http.openSale(IntegrationTest.ADMIN_TOKEN, name, 100, 1);
    }

    /** Reads one response (a Content-Length or a chunked body) and returns its status. */
    private static int readStatus(BufferedReader in) throws IOException {
        String statusLine = in.readLine();
        assertThat(statusLine)
                .as("an answer on the same connection")
                .isNotNull()
                .startsWith("HTTP/1.1 ");
        int length = 0;
        boolean chunked = false;
        boolean close = false;
        for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(15).trim());
            }
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            close |= lower.startsWith("connection:") && lower.contains("close");
        }
        assertThat(close)
                .as("the server keeps the connection after " + statusLine)
                .isFalse();
        if (chunked) {
            for (int size = Integer.parseInt(in.readLine().trim(), 16);
                    size > 0;
                    size = Integer.parseInt(in.readLine().trim(), 16)) {
                skip(in, size);
                in.readLine(); // the CRLF after the chunk
            }
            in.readLine(); // the empty line after the last chunk
        } else {
            skip(in, length);
        }
        return Integer.parseInt(statusLine.substring(9, 12));
    }

    private static void skip(BufferedReader in, int chars) throws IOException {
        char[] body = new char[chars];
        for (int read = 0; read < chars; ) {
            read += in.read(body, read, chars - read);
        }
    }
}
