package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** The setup steps both modes share: admin token, health check, creating sales and checking a shopper token. */
final class Setup {

    private final Options options;
    private final PrintStream out;

    Setup(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    String adminToken() {
        return adminToken(options.adminToken(), options.adminTokenFile());
    }

    /** {@code given} when set, else the content of {@code file}. */
    static String adminToken(String given, Path file) {
        if (given != null && !given.isBlank()) {
            return given.strip();
        }
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new SetupException("admin token file " + file + " is empty");
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new SetupException("no admin token: pass --admin-token, or --admin-token-file (default "
                    + "./.stampede/admin-token, written by the server when STAMPEDE_ADMIN_TOKEN is unset)");
        } catch (IOException e) {
            throw new SetupException("cannot read admin token file " + file + ": " + e, e);
        }
    }

    void warnAboutShortSecret() {
        if (options.jwtSecret() != null && options.jwtSecret().getBytes(StandardCharsets.UTF_8).length < 32) {
            out.println("note: --jwt-secret is shorter than the 32 bytes the service requires of STAMPEDE_JWT_SECRET");
        }
    }

    static void checkHealth(Api api) throws InterruptedException {
        Api.Reply reply;
        try {
            reply = api.get("/actuator/health", null);
        } catch (ConnectException e) {
            throw new SetupException("service not reachable at " + api.base() + " (connection refused)", e);
        } catch (HttpTimeoutException e) {
            throw new SetupException("service not reachable at " + api.base() + " (timed out)", e);
        } catch (IOException e) {
            throw new SetupException("service not reachable at " + api.base() + ": " + e, e);
        }
        if (reply.status() != 200 || !"UP".equals(Api.text(reply.body(), "status"))) {
            throw new SetupException(
                    "service at " + api.base() + " is not ready: GET /actuator/health -> " + reply.describe());
        }
    }

    /** Creates an active sale (started a second ago, ending in an hour) with the options' strategy and intake. */
    String createSale(Api api, String adminToken, String name, String sku, int stock, int perUserLimit)
            throws InterruptedException {
        return createSale(api, adminToken, name, sku, stock, perUserLimit, options.strategy(), options.intake(), out);
    }

    /** Creates an active sale (started a second ago, ending in an hour); notes on {@code out} an echo that differs. */
    static String createSale(
            Api api,
            String adminToken,
            String name,
            String sku,
            int stock,
            int perUserLimit,
            String wantedStrategy,
            String wantedIntake,
            PrintStream out)
            throws InterruptedException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("sku", sku);
        body.put("stock", stock);
        body.put("priceCents", 1000);
        body.put("startsAt", now.minusSeconds(1).toString());
        body.put("endsAt", now.plus(Duration.ofHours(1)).toString());
        body.put("perUserLimit", perUserLimit);
        body.put("strategy", wantedStrategy);
        body.put("intake", wantedIntake);
        Api.Reply reply;
        try {
            reply = api.post("/api/admin/sales", adminToken, body, Map.of());
        } catch (IOException e) {
            throw new SetupException("could not create the sale: " + e, e);
        }
        if (reply.status() == 401 || reply.status() == 403) {
            throw new SetupException("admin token rejected: POST /api/admin/sales -> " + reply.describe());
        }
        String id = Api.text(reply.body(), "id");
        if (reply.status() != 201 || id == null) {
            throw new SetupException("could not create the sale: POST /api/admin/sales -> " + reply.describe());
        }
        String strategy = Api.text(reply.body(), "strategy");
        String intake = Api.text(reply.body(), "intake");
        if (!wantedStrategy.equals(strategy) || !wantedIntake.equals(intake)) {
            out.println("note: sale " + id + " came back with strategy " + strategy + ", intake " + intake);
        }
        return id;
    }

    /** One cheap authenticated read, so a wrong --jwt-secret stops here rather than as a burst of 401s. */
    void checkShopperToken(Api api, String token) throws InterruptedException {
        checkShopperToken(api, token, options.jwtSecret() != null);
    }

    /** As above; {@code minted} says whether the token was minted with --jwt-secret, for the message. */
    static void checkShopperToken(Api api, String token, boolean minted) throws InterruptedException {
        try {
            Api.Reply reply = api.get("/api/me/orders", token);
            if (reply.status() == 401) {
                throw new SetupException("shopper token rejected (GET /api/me/orders -> 401)"
                        + (minted ? "; does --jwt-secret match STAMPEDE_JWT_SECRET?" : ""));
            }
        } catch (IOException e) {
            throw new SetupException("service stopped answering during setup: " + e, e);
        }
    }

    /** How the shopper tokens were obtained, for the report. */
    String tokenSource() {
        return options.jwtSecret() != null ? "minted HS256" : "demo login";
    }
}
