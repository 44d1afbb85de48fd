package io.stampede.bench;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** Measures one strategy at one concurrency against a running server: a fresh sale, a burst, the oversell check. */
final class CompareRunner {

    private static final int WARMUP_CONCURRENCY = 50;
    private static final AtomicLong RUNS = new AtomicLong();

    private final Api api;
    private final String adminToken;
    private final String jwtSecret;
    private final CompareOptions options;

    CompareRunner(Api api, String adminToken, String jwtSecret, CompareOptions options) {
        this.api = api;
        this.adminToken = adminToken;
        this.jwtSecret = jwtSecret;
        this.options = options;
    }

    /** An untimed burst on a small sale of this strategy, so the measured runs meet JIT-compiled code. */
    String warmup(String strategy) throws InterruptedException {
        if (options.warmupBuyers() == 0) {
            return null;
        }
        String runId = runId();
        Sale sale = createSale(strategy, Math.max(1, options.warmupBuyers() / 10), runId);
        if (sale.id() == null) {
            return "warm-up: " + sale.failure();
        }
        Plan plan = Plan.distinct(runId, "w", options.warmupBuyers());
        Map<String, String> tokens = Tokens.obtain(api, plan.users(), jwtSecret, 1, Deadline.in(Duration.ofMinutes(1)));
        Burst.Result result = Burst.run(
                api,
                sale.id(),
                plan,
                tokens,
                WARMUP_CONCURRENCY,
                Deadline.in(Duration.ofSeconds(Math.min(options.runSeconds(), 15))));
        long placed = result.outcomes().stream().filter(Burst.Outcome::ordered).count();
        long answered = result.answered();
        return answered == 0 ? "warm-up: no answers" : placed == 0 ? "warm-up: nothing placed" : null;
    }

    CompareRow measure(String database, String strategy, int concurrency) throws InterruptedException {
        String runId = runId();
        Sale sale = createSale(strategy, options.stock(), runId);
        if (sale.id() == null) {
            return CompareRow.failed(database, strategy, concurrency, sale.failure());
        }
        Plan plan = Plan.distinct(runId, "b", options.buyers());
        Map<String, String> tokens = Tokens.obtain(api, plan.users(), jwtSecret, 1, Deadline.in(Duration.ofMinutes(1)));
        Burst.Result burst = Burst.run(
                api, sale.id(), plan, tokens, concurrency, Deadline.in(Duration.ofSeconds(options.runSeconds())));

        long placed = 0, soldOut = 0, limit = 0, unavailable = 0, errors = 0, notAttempted = 0;
        Map<String, Long> errorKinds = new TreeMap<>();
        List<Oversell.Placed> orders = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Burst.Outcome outcome = burst.outcomes().get(i);
            if (outcome.ordered()) {
                placed++;
                // the bench asks for 1 unit per purchase, so each placed order holds one unit
                orders.add(new Oversell.Placed(plan.attempts().get(i).userId(), outcome.orderId(), 1));
                continue;
            }
            switch (Report.category(outcome)) {
                case Report.SOLD_OUT -> soldOut++;
                case Report.LIMIT_EXCEEDED -> limit++;
                case "503" -> unavailable++;
                case "cancelled", "not sent" -> notAttempted++;
                default -> {
                    errors++;
                    errorKinds.merge(describe(outcome), 1L, Long::sum);
                }
            }
        }

        List<String> notes = new ArrayList<>();
        if (burst.cutShort()) {
            notes.add("cut at " + options.runSeconds() + " s");
        }
        Settled stock = settle(sale.id());
        Oversell.Result oversell = Oversell.compute(options.stock(), 1, orders, stock.figures());
        if (stock.figures() == null) {
            notes.add("stock unreadable (" + stock.problem() + "); oversold from answers only");
        } else if (stock.stillMoving()) {
            notes.add("stock still moving after " + options.settleSeconds() + " s");
        }
        notes.addAll(oversell.notes());
        if (!errorKinds.isEmpty()) {
            notes.add("errors: "
                    + errorKinds.entrySet().stream()
                            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                            .limit(3)
                            .map(e -> e.getKey() + " ×" + e.getValue())
                            .collect(Collectors.joining(", "))
                    + (errorKinds.size() > 3 ? ", …" : ""));
        }
        Histogram h = burst.latencyMicros();
        boolean any = h.getTotalCount() > 0;
        double seconds = burst.wall().toNanos() / 1e9;
        return new CompareRow(
                database,
                strategy,
                concurrency,
                true,
                seconds > 0 ? burst.answered() / seconds : 0,
                any ? h.getValueAtPercentile(50) / 1000.0 : Double.NaN,
                any ? h.getValueAtPercentile(99) / 1000.0 : Double.NaN,
                placed,
                soldOut,
                limit,
                unavailable,
                errors,
                notAttempted,
                oversell.units(),
                seconds,
                String.join("; ", notes));
    }

    private static String describe(Burst.Outcome o) {
        return (o.status() > 0 ? o.status() + " " : "") + (o.code() == null ? "(no code)" : o.code());
    }

    private static String runId() {
        return Long.toString(System.currentTimeMillis(), 36) + RUNS.incrementAndGet();
    }

    /** The created sale's id, or null and why not. */
    private record Sale(String id, String failure) {}

    private Sale createSale(String strategy, int stock, String runId) throws InterruptedException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "compare " + strategy + " " + runId);
        body.put("sku", "BENCH-" + runId.toUpperCase(Locale.ROOT));
        body.put("stock", stock);
        body.put("priceCents", 1000);
        body.put("startsAt", now.minusSeconds(1).toString());
        body.put("endsAt", now.plus(Duration.ofHours(2)).toString());
        body.put("perUserLimit", 1);
        body.put("strategy", strategy);
        body.put("intake", "DIRECT");
        try {
            Api.Reply reply = api.post("/api/admin/sales", adminToken, body, Map.of());
            String id = Api.text(reply.body(), "id");
            if (reply.status() != 201 || id == null) {
                return new Sale(null, "sale not created: " + shorten(reply));
            }
            String echoed = Api.text(reply.body(), "strategy");
            if (!strategy.equals(echoed)) {
                return new Sale(null, "sale created with strategy " + echoed + " instead of " + strategy);
            }
            return new Sale(id, null);
        } catch (IOException e) {
            return new Sale(null, "sale not created: " + e.getClass().getSimpleName());
        }
    }

    private static String shorten(Api.Reply reply) {
        String code = reply.code();
        String detail = Api.text(reply.body(), "detail");
        if (code != null) {
            return "HTTP " + reply.status() + " " + code + (detail == null ? "" : " (" + cut(detail, 80) + ")");
        }
        return cut(reply.describe(), 100);
    }

    private static String cut(String text, int max) {
        String line = text.replace('\n', ' ').strip();
        return line.length() > max ? line.substring(0, max) + "…" : line;
    }

    /** The sale's figures once they have not moved for a second, bounded by --settle-seconds. */
    private Settled settle(String saleId) throws InterruptedException {
        return Settled.read(api, saleId, Duration.ofSeconds(options.settleSeconds()));
    }
}
