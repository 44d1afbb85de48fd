package io.stampede.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for driving the service through its public contract. */
public final class Http {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Http(String base) {
        this.base = base;
    }

    /** The scheme, host and port this client talks to. */
    public String base() {
        return base;
    }

    /** A response with its body parsed as JSON when it is JSON. */
    public record Response(int status, Map<String, List<String>> headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst()
                    .map(e -> e.getValue().getFirst())
                    .orElse(null);
        }

        public String code() {
            return json().path("code").asString();
        }
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public Response post(String path, String token, String body, String... headers) {
        HttpRequest.Builder b = request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** A shopper token from the demo login. */
    public String login(String userId) {
        Response r = post("/api/session", null, "{\"userId\":\"" + userId + "\"}");
        if (r.status() != 200) {
            throw new IllegalStateException("demo login answered " + r.status() + ": " + r.body());
        }
        return r.json().path("token").asString();
    }

    /** A sale open from five seconds ago for an hour, as the admin API takes it. */
    public static String openSaleJson(String name, long stock, int limit) {
        Instant now = Instant.now();
        return saleJson(
                name,
                stock,
                limit,
                now.minusSeconds(5).toString(),
                now.plusSeconds(3600).toString());
    }

    /** Opens such a sale through the admin API and returns its id; fails the test when it is refused. */
    public String openSale(String adminToken, String name, long stock, int limit) {
        Response r = post("/api/admin/sales", adminToken, openSaleJson(name, stock, limit));
        if (r.status() != 201) {
            throw new AssertionError("sale refused: " + r.status() + " " + r.body());
        }
        return r.json().path("id").asString();
    }

    /**
     * A sale of limit one, open for an hour from {@code startsAt}, with these further JSON members (comma separated,
     * such as a turn's {@code "access":"DRAW","draw":{…}}).
     */
    public static String saleJson(String name, long stock, Instant startsAt, String members) {
        String json = saleJson(
                name, stock, 1, startsAt.toString(), startsAt.plusSeconds(3600).toString());
        return json.substring(0, json.length() - 1) + "," + members + "}";
    }

    public static String saleJson(String name, long stock, int limit, String startsAt, String endsAt) {
        return "{\"name\":\"" + name + "\",\"sku\":\"SKU-" + name + "\",\"stock\":" + stock + ",\"priceCents\":4990,"
                + "\"startsAt\":\"" + startsAt + "\",\"endsAt\":\"" + endsAt + "\",\"perUserLimit\":" + limit + "}";
    }
}
