package io.stampede.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/** A small JSON-over-HTTP client bound to one base URL; every request of the driver goes through it. */
public final class Api implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** One HTTP answer with its body parsed as JSON (a missing node when it is not JSON). */
    public record Reply(int status, JsonNode body, String rawBody) {

        /** The problem {@code code} member, or null. */
        public String code() {
            return text(body, "code");
        }

        /** A short description for error messages. */
        public String describe() {
            String snippet = rawBody.length() > 300 ? rawBody.substring(0, 300) + "…" : rawBody;
            return "HTTP " + status + (snippet.isBlank() ? "" : " " + snippet.strip());
        }
    }

    private final URI base;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final Deadline deadline;

    Api(URI base, Duration requestTimeout, Deadline deadline) {
        this.base = base;
        this.requestTimeout = requestTimeout;
        this.deadline = deadline;
        // HTTP/1.1 on purpose: over plain http the default HTTP/2 would try an h2c upgrade on every
        // new connection, and redirects are never followed so no request can leave the given URL.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(requestTimeout)
                .build();
    }

    public URI base() {
        return base;
    }

    /** Another client for the same server, with connections of its own. */
    Api fresh() {
        return new Api(base, requestTimeout, deadline);
    }

    /** Waits for requests in flight, then closes this client's connections. */
    @Override
    public void close() {
        client.close();
    }

    public Reply get(String path, String bearer) throws IOException, InterruptedException {
        return send(builder(path, bearer).GET(), path);
    }

    public Reply post(String path, String bearer, Object body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = builder(path, bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        headers.forEach(request::header);
        return send(request, path);
    }

    private HttpRequest.Builder builder(String path, String bearer) {
        // plain concatenation keeps any path prefix of --url (e.g. http://host/stampede)
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "application/json, application/problem+json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return request;
    }

    private Reply send(HttpRequest.Builder request, String path) throws IOException, InterruptedException {
        Duration left = deadline.remaining();
        if (left.isZero()) {
            throw new HttpTimeoutException("time budget spent before " + path);
        }
        request.timeout(left.compareTo(requestTimeout) < 0 ? left : requestTimeout);
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String raw = response.body() == null ? "" : response.body();
        return new Reply(response.statusCode(), parse(raw), raw);
    }

    static JsonNode parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(raw);
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    /** The string member {@code field} of {@code node}, or null when absent or not a string. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    /** The integral member {@code field} of {@code node}, or null when absent or not a number. */
    static Long number(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isIntegralNumber() ? value.longValue() : null;
    }
}
