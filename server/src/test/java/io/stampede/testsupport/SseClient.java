package io.stampede.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a Server-Sent-Events stream of the service in the background and keeps every event it received. */
public final class SseClient implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One event: its name and its data parsed as JSON. */
    public record Event(String name, JsonNode data) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile @Nullable Stream<String> lines;
    private volatile @Nullable CompletableFuture<Void> reader;

    private SseClient(CompletableFuture<HttpResponse<Stream<String>>> response) {
        this.response = response;
    }

    /** Opens {@code base + path} with the bearer token, if any. */
    public static SseClient open(String base, String path, @Nullable String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "text/event-stream")
                .GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpClient client = HttpClient.newHttpClient();
        SseClient sse = new SseClient(client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()));
        sse.reader = sse.response.thenAcceptAsync(r -> {
            sse.lines = r.body();
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line : (Iterable<String>) r.body()::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        sse.events.add(new Event(name, JSON.readTree(data.toString())));
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                }
            }
        });
        return sse;
    }

    /** The response's status, once it started. */
    public int status() {
        return response.join().statusCode();
    }

    /** The response's content type, once it started. */
    public String contentType() {
        return response.join().headers().firstValue("Content-Type").orElse("");
    }

    /** Every event received so far. */
    public List<Event> events() {
        return new ArrayList<>(events);
    }

    /** Waits until an event matching {@code match} has arrived, and returns the first such. */
    public Event await(String what, Predicate<Event> match) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> events.stream().anyMatch(match));
        return events.stream().filter(match).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
        response.cancel(true);
        CompletableFuture<Void> r = reader;
        if (r != null) {
            r.cancel(true);
        }
    }
}
