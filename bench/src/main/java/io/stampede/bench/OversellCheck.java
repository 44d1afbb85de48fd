package io.stampede.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Checks after the burst that nothing was oversold or lost: what the shoppers were told, what the
 * sale's stock says and what the shoppers' order lists say must all agree.
 */
public final class OversellCheck {

    /** The verdict: PASS when {@code failures} is empty; notes are worth reading but not failures. */
    public record Verdict(List<String> failures, List<String> notes, long orders) {
        public boolean pass() {
            return failures.isEmpty();
        }
    }

    /** The stock block of {@code GET /api/sales/{id}}. */
    record Stock(long total, long available, long reserved, long sold, String state) {
        long taken() {
            return reserved + sold;
        }

        @Override
        public String toString() {
            return "total " + total + ", available " + available + ", reserved " + reserved + ", sold " + sold
                    + (state == null ? "" : " (state " + state + ")");
        }
    }

    /** One item of {@code GET /api/me/orders}. */
    record Order(String id, String userId, String saleId, String status, long quantity) {
        boolean live() {
            return switch (status == null ? "" : status) {
                case "QUEUED", "PENDING_PAYMENT", "PAID", "FULFILLED" -> true;
                default -> false;
            };
        }
    }

    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int EXAMPLES = 3;
    private static final int LISTING_PASSES = 3;

    private final Api api;
    private final Options options;
    private final String adminToken;
    private final String saleId;
    private final Map<String, String> tokens;
    private final Deadline deadline;
    private final PrintStream out;
    private final Set<String> failures = new LinkedHashSet<>();
    private final List<String> notes = new ArrayList<>();

    OversellCheck(
            Api api,
            Options options,
            String adminToken,
            String saleId,
            Map<String, String> tokens,
            Deadline deadline,
            PrintStream out) {
        this.api = api;
        this.options = options;
        this.adminToken = adminToken;
        this.saleId = saleId;
        this.tokens = tokens;
        this.deadline = deadline;
        this.out = out;
    }

    /** Runs every check; it only reads from the service. */
    public Verdict run(Burst.Result burst) throws InterruptedException {
        Set<String> acked = checkAnswers(burst);
        out.println("orders        " + acked.size() + " acknowledged (distinct orderIds in 201/202 answers), stock "
                + options.stock() + ", per-user limit " + options.limit());

        if (outOfTime()) {
            return verdict(acked);
        }
        Stock settled = settle();
        if (settled != null) {
            out.println("stock         " + settled + " after settling");
        }
        if (outOfTime()) {
            return verdict(acked);
        }
        // The units the shoppers hold can only be compared with the sale's stock if the stock did not move
        // while they were listed: requests whose clients gave up (timeouts under overload) or, with QUEUED
        // intake, the consumer can still be creating orders. If it moved, settle again and list again.
        long liveUnits;
        Stock last;
        for (int pass = 1; ; pass++) {
            Set<String> failuresBefore = new LinkedHashSet<>(failures);
            List<String> notesBefore = new ArrayList<>(notes);
            liveUnits = checkOrderLists(burst, acked);
            if (outOfTime()) {
                return verdict(acked);
            }
            last = readStock();
            boolean moved = last != null && settled != null && !last.equals(settled);
            if (!moved) {
                break;
            }
            if (pass == LISTING_PASSES) {
                out.println("stock         " + last + " at the end");
                notes.add("stock was still moving while the orders were listed, " + pass + " times; the units were"
                        + " compared with the last reading");
                break;
            }
            out.println("stock         moved to " + last + " while the orders were listed; settling and listing again");
            failures.clear();
            failures.addAll(failuresBefore);
            notes.clear();
            notes.addAll(notesBefore);
            settled = settle();
            if (settled != null) {
                out.println("stock         " + settled + " after settling");
            }
            if (outOfTime()) {
                return verdict(acked);
            }
        }
        Stock stock = last != null ? last : settled;
        if (stock != null) {
            checkStock(stock, acked.size(), liveUnits);
        }
        reconciliation();
        return verdict(acked);
    }

    private Verdict verdict(Set<String> acked) {
        return new Verdict(List.copyOf(failures), List.copyOf(notes), acked.size());
    }

    /** A spent time budget fails the run once, instead of as a cascade of unreadable stock and lists. */
    private boolean outOfTime() {
        if (deadline.expired()) {
            fail("--timeout-seconds spent before the checks finished (raise it, or lower --attempts)");
            return true;
        }
        return false;
    }

    private void fail(String reason) {
        failures.add(reason);
    }

    /** What the shoppers were told must already be free of oversell, double orders and limit overruns. */
    private Set<String> checkAnswers(Burst.Result burst) {
        List<Plan.Attempt> attempts = burst.plan().attempts();
        Map<String, Set<String>> usersOfOrder = new HashMap<>();
        Map<String, Set<String>> keysOfOrder = new HashMap<>();
        Map<String, Set<String>> ordersOfUser = new HashMap<>();
        Map<String, List<Burst.Outcome>> answersOfKey = new LinkedHashMap<>();
        long withoutId = 0;
        for (int i = 0; i < attempts.size(); i++) {
            Plan.Attempt attempt = attempts.get(i);
            Burst.Outcome outcome = burst.outcomes().get(i);
            answersOfKey
                    .computeIfAbsent(attempt.userId() + " " + attempt.key(), k -> new ArrayList<>())
                    .add(outcome);
            if ((outcome.status() == 201 || outcome.status() == 202) && outcome.orderId() == null) {
                withoutId++;
            }
            if (outcome.ordered()) {
                usersOfOrder
                        .computeIfAbsent(outcome.orderId(), k -> new HashSet<>())
                        .add(attempt.userId());
                keysOfOrder
                        .computeIfAbsent(outcome.orderId(), k -> new HashSet<>())
                        .add(attempt.key());
                ordersOfUser
                        .computeIfAbsent(attempt.userId(), k -> new HashSet<>())
                        .add(outcome.orderId());
            }
        }
        Set<String> acked = new TreeSet<>(usersOfOrder.keySet());

        if (withoutId > 0) {
            fail(withoutId + " answers were 201/202 without an orderId");
        }
        if (acked.size() > options.stock()) {
            fail("oversold: " + acked.size() + " distinct orders acknowledged for a stock of " + options.stock());
        }
        List<String> shared = usersOfOrder.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .map(Map.Entry::getKey)
                .toList();
        if (!shared.isEmpty()) {
            fail(shared.size() + " orderIds were given to more than one user, e.g. " + examples(shared));
        }
        List<String> multiKey = keysOfOrder.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .map(Map.Entry::getKey)
                .toList();
        if (!multiKey.isEmpty()) {
            fail(multiKey.size() + " orderIds were answered to different Idempotency-Keys, e.g. " + examples(multiKey));
        }
        List<String> overLimit = ordersOfUser.entrySet().stream()
                .filter(e -> e.getValue().size() > options.limit())
                .map(e -> e.getKey() + " (" + e.getValue().size() + ")")
                .toList();
        if (!overLimit.isEmpty()) {
            fail(overLimit.size() + " users were acknowledged more than " + options.limit() + " orders, e.g. "
                    + examples(overLimit));
        }

        // Same user and key must get the same order; answers without a verdict on the order
        // (429, 5xx, transport errors, not sent) say nothing either way and are left out.
        List<String> splitOrders = new ArrayList<>();
        List<String> orderAndRefusal = new ArrayList<>();
        List<String> differentRefusals = new ArrayList<>();
        int repeatedKeys = 0;
        for (Map.Entry<String, List<Burst.Outcome>> entry : answersOfKey.entrySet()) {
            List<Burst.Outcome> decided = entry.getValue().stream()
                    .filter(o -> o.ordered() || o.status() == 409)
                    .toList();
            if (entry.getValue().size() > 1) {
                repeatedKeys++;
            }
            if (decided.size() < 2) {
                continue;
            }
            Set<String> orderIds = decided.stream()
                    .map(Burst.Outcome::orderId)
                    .filter(Objects::nonNull)
                    .collect(Collectors.toSet());
            Set<String> refusals = decided.stream()
                    .filter(o -> o.status() == 409)
                    .map(o -> String.valueOf(o.code()))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (orderIds.size() > 1) {
                splitOrders.add(entry.getKey() + " -> " + orderIds);
            } else if (!orderIds.isEmpty() && !refusals.isEmpty()) {
                orderAndRefusal.add(entry.getKey() + " -> " + orderIds + " and 409 " + refusals);
            } else if (refusals.size() > 1) {
                differentRefusals.add(entry.getKey() + " -> " + refusals);
            }
        }
        out.println("replays       " + repeatedKeys + " keys were sent more than once");
        if (!splitOrders.isEmpty()) {
            fail(splitOrders.size() + " replayed keys got different orderIds, e.g. " + examples(splitOrders));
        }
        if (!orderAndRefusal.isEmpty()) {
            fail(orderAndRefusal.size() + " replayed keys got an order once and a 409 another time, e.g. "
                    + examples(orderAndRefusal));
        }
        if (!differentRefusals.isEmpty()) {
            notes.add(differentRefusals.size() + " replayed keys got different 409 codes, e.g. "
                    + examples(differentRefusals));
        }
        return acked;
    }

    /**
     * Polls the sale until its stock has not moved for a second (the contract's "within a second of
     * quiet"), so QUEUED orders still being written do not read as drift; bounded by --settle-seconds.
     */
    private Stock settle() throws InterruptedException {
        Deadline settleBy = deadline.within(Duration.ofSeconds(options.settleSeconds()));
        Stock last = readStock();
        if (last == null) {
            return null;
        }
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < QUIET.toNanos()) {
            if (settleBy.expired()) {
                notes.add("stock still moving after " + options.settleSeconds() + " s; checked the last reading");
                return last;
            }
            Thread.sleep(
                    Math.min(POLL.toMillis(), Math.max(1, settleBy.remaining().toMillis())));
            Stock now = readStock();
            if (now == null) {
                return last;
            }
            if (!now.equals(last)) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        return last;
    }

    private Stock readStock() {
        try {
            Api.Reply reply = api.get("/api/sales/" + saleId, null);
            Oversell.Figures f = Oversell.Figures.of(reply);
            if (f == null) {
                fail("could not read the sale's stock: GET /api/sales/" + saleId + " -> HTTP " + reply.status());
                return null;
            }
            return new Stock(f.total(), f.available(), f.reserved(), f.sold(), Api.text(reply.body(), "state"));
        } catch (IOException e) {
            fail("could not read the sale's stock: " + e.getClass().getSimpleName());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while reading the sale's stock");
            return null;
        }
    }

    /** {@code liveUnits} is what the shoppers' order lists hold, or -1 when some lists could not be read. */
    private void checkStock(Stock stock, long acked, long liveUnits) {
        if (stock.total() != options.stock()) {
            fail("stock.total is " + stock.total() + ", the sale was created with " + options.stock());
        }
        if (stock.total() != stock.available() + stock.reserved() + stock.sold()) {
            fail("stock does not add up: total " + stock.total() + " != available " + stock.available() + " + reserved "
                    + stock.reserved() + " + sold " + stock.sold());
        }
        if (stock.taken() > stock.total() || stock.available() < 0 || stock.reserved() < 0 || stock.sold() < 0) {
            fail("oversold: reserved + sold = " + stock.taken() + " of total " + stock.total() + " (available "
                    + stock.available() + ")");
        }
        if (acked > stock.taken()) {
            fail(acked + " orders were acknowledged but only " + stock.taken() + " units are reserved or sold");
        }
        if (liveUnits >= 0 && liveUnits != stock.taken()) {
            fail("reserved + sold = " + stock.taken() + " but the shoppers hold " + liveUnits
                    + " live units of this sale");
        }
    }

    /**
     * Lists the orders of every shopper in the plan: every acknowledged order must be there (none
     * lost), nothing may be there that no request was told about unless that shopper saw an
     * ambiguous answer. Returns the live units the shoppers hold (-1 if some lists were unreadable),
     * which must equal the units the sale says are taken.
     */
    private long checkOrderLists(Burst.Result burst, Set<String> acked) throws InterruptedException {
        Map<String, String> ownerOfAcked = new HashMap<>();
        Set<String> ambiguousUsers = new HashSet<>();
        List<Plan.Attempt> attempts = burst.plan().attempts();
        for (int i = 0; i < attempts.size(); i++) {
            Burst.Outcome outcome = burst.outcomes().get(i);
            if (outcome.ordered()) {
                ownerOfAcked.put(outcome.orderId(), attempts.get(i).userId());
            }
            if (outcome.ambiguous()) {
                ambiguousUsers.add(attempts.get(i).userId());
            }
        }

        // Everyone in the plan, not only those told of an order: an order taken behind a 5xx or a
        // dropped connection must still be findable, and must count against stock and limit.
        List<String> users = burst.plan().users();
        Map<String, List<Order>> listed = new ConcurrentHashMap<>();
        Map<String, String> listErrors = new ConcurrentHashMap<>();
        listOrders(users, listed, listErrors);

        // With QUEUED intake the consumer may still be writing; ask again for shoppers whose
        // acknowledged orders are not listed yet, until --settle-seconds runs out.
        Deadline settleBy = deadline.within(Duration.ofSeconds(options.settleSeconds()));
        Set<String> missing = missing(acked, ownerOfAcked, listed);
        while (!missing.isEmpty() && !settleBy.expired()) {
            Thread.sleep(Math.min(500, Math.max(1, settleBy.remaining().toMillis())));
            Set<String> owners = missing.stream().map(ownerOfAcked::get).collect(Collectors.toCollection(TreeSet::new));
            listOrders(List.copyOf(owners), listed, listErrors);
            missing = missing(acked, ownerOfAcked, listed);
        }

        for (String user : users) {
            if (!listed.containsKey(user)) {
                listErrors.putIfAbsent(user, "no answer in time");
            }
        }
        if (!listErrors.isEmpty()) {
            fail("could not list the orders of " + listErrors.size() + " shoppers, e.g. "
                    + examples(listErrors.entrySet().stream()
                            .map(e -> e.getKey() + ": " + e.getValue())
                            .toList()));
        }
        if (!missing.isEmpty()) {
            fail(missing.size() + " acknowledged orders are missing from GET /api/me/orders (lost), e.g. "
                    + examples(List.copyOf(missing)));
        }

        Set<String> union = new LinkedHashSet<>();
        long liveUnits = 0;
        List<String> overLimit = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        List<String> unacknowledged = new ArrayList<>();
        List<String> unacknowledgedAmbiguous = new ArrayList<>();
        for (Map.Entry<String, List<Order>> entry : listed.entrySet()) {
            long userUnits = 0;
            for (Order order : entry.getValue()) {
                if (order.userId() != null && !order.userId().equals(entry.getKey())) {
                    foreign.add(order.id() + " of " + order.userId() + " listed for " + entry.getKey());
                }
                union.add(order.id());
                if (order.live()) {
                    userUnits += order.quantity();
                }
                if (!acked.contains(order.id())) {
                    (ambiguousUsers.contains(entry.getKey()) ? unacknowledgedAmbiguous : unacknowledged)
                            .add(order.id() + " (" + entry.getKey() + ", " + order.status() + ")");
                }
            }
            liveUnits += userUnits;
            if (userUnits > options.limit()) {
                overLimit.add(entry.getKey() + " (" + userUnits + ")");
            }
        }
        out.println("order lists   " + listed.size() + " shoppers listed, " + union.size() + " orders for this sale, "
                + liveUnits + " live units");

        if (!foreign.isEmpty()) {
            fail(foreign.size() + " listed orders belong to another user, e.g. " + examples(foreign));
        }
        if (!overLimit.isEmpty()) {
            fail(overLimit.size() + " shoppers hold more than " + options.limit() + " live units, e.g. "
                    + examples(overLimit));
        }
        if (!unacknowledged.isEmpty()) {
            fail(unacknowledged.size() + " listed orders were never acknowledged to any request, e.g. "
                    + examples(unacknowledged));
        }
        if (!unacknowledgedAmbiguous.isEmpty()) {
            notes.add(unacknowledgedAmbiguous.size() + " orders exist behind 5xx/transport errors (allowed: they are"
                    + " findable), e.g. " + examples(unacknowledgedAmbiguous));
        }
        return listErrors.isEmpty() ? liveUnits : -1;
    }

    /** Acknowledged orders absent from their owner's list; owners whose list could not be read are not judged. */
    private static Set<String> missing(
            Set<String> acked, Map<String, String> ownerOfAcked, Map<String, List<Order>> listed) {
        Set<String> seen = listed.values().stream()
                .flatMap(Collection::stream)
                .map(Order::id)
                .collect(Collectors.toSet());
        return acked.stream()
                .filter(id -> listed.containsKey(ownerOfAcked.get(id)) && !seen.contains(id))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Fetches {@code GET /api/me/orders} for each user, keeping only this sale's orders. */
    private void listOrders(List<String> users, Map<String, List<Order>> listed, Map<String, String> errors)
            throws InterruptedException {
        Semaphore permits = new Semaphore(options.concurrency());
        CountDownLatch done = new CountDownLatch(users.size());
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        for (String user : users) {
            executor.execute(() -> {
                try {
                    permits.acquire();
                    try {
                        Api.Reply reply = api.get("/api/me/orders", tokens.get(user));
                        JsonNode items = reply.body().path("items");
                        if (reply.status() != 200 || !items.isArray()) {
                            errors.put(user, reply.describe());
                            return;
                        }
                        List<Order> orders = new ArrayList<>();
                        for (JsonNode item : items) {
                            Order order = new Order(
                                    Api.text(item, "id"),
                                    Api.text(item, "userId"),
                                    Api.text(item, "saleId"),
                                    Api.text(item, "status"),
                                    Objects.requireNonNullElse(Api.number(item, "quantity"), 1L));
                            if (order.id() != null && saleId.equals(order.saleId())) {
                                orders.add(order);
                            }
                        }
                        listed.put(user, orders);
                        errors.remove(user);
                    } finally {
                        permits.release();
                    }
                } catch (IOException e) {
                    errors.put(user, e.toString());
                } catch (InterruptedException e) {
                    errors.put(user, "interrupted");
                } finally {
                    done.countDown();
                }
            });
        }
        boolean finished = done.await(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        executor.shutdownNow();
        if (!finished) {
            fail("time budget spent while listing orders");
        }
    }

    /** Prints the service's own view of cache against database; informative, not part of the verdict. */
    private void reconciliation() {
        try {
            Api.Reply reply = api.get("/api/admin/sales/" + saleId + "/reconciliation", adminToken);
            if (reply.status() == 200) {
                JsonNode body = reply.body();
                out.println("reconciliation consistent " + body.path("consistent") + ", drift " + body.path("drift")
                        + ", database " + body.path("database") + ", cache " + body.path("cache"));
                if (!body.path("consistent").isBoolean()
                        || !body.path("consistent").booleanValue()) {
                    notes.add("reconciliation does not report consistent=true (cache and database disagree)");
                }
            } else if (reply.status() == 404) {
                out.println("reconciliation endpoint not available");
            } else {
                out.println("reconciliation answered " + reply.describe());
            }
        } catch (IOException e) {
            out.println("reconciliation request failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String examples(List<String> items) {
        return items.stream().limit(EXAMPLES).collect(Collectors.joining(", "))
                + (items.size() > EXAMPLES ? ", …" : "");
    }
}
