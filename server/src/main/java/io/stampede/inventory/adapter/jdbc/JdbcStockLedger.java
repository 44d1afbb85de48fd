package io.stampede.inventory.adapter.jdbc;

import io.stampede.inventory.domain.Refusal;
import io.stampede.inventory.port.StockBuckets;
import io.stampede.inventory.port.StockLedger;
import io.stampede.sale.domain.SaleEnded;
import io.stampede.sale.domain.StockFigures;
import io.stampede.shared.jdbc.SqlDialect;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The stock ledger as rows of {@code stock_buckets} and {@code sale_buyers}, in SQL both databases run. */
@Repository
class JdbcStockLedger implements StockLedger {
    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    /** The statements on single bucket rows, shared with the database strategies. */
    private final StockBuckets bucketRows;

    private final String addToBuyer;
    /** Buckets per sale never change once the sale is open. */
    private final ConcurrentHashMap<String, Integer> bucketCounts = new ConcurrentHashMap<>();

    JdbcStockLedger(JdbcClient jdbc, JdbcTemplate template, SqlDialect dialect, StockBuckets bucketRows) {
        this.jdbc = jdbc;
        this.template = template;
        this.bucketRows = bucketRows;
        this.addToBuyer =
                dialect.insertOrAdd("sale_buyers", "sale_id, user_id", "units", "sale_id, user_id, units", "?,?,?");
    }

    /** A buyer of a sale, ordered as rows are locked: by sale, then user. */
    private record Buyer(String saleId, String userId) implements Comparable<Buyer> {
        @Override
        public int compareTo(Buyer o) {
            int bySale = saleId.compareTo(o.saleId);
            return bySale != 0 ? bySale : userId.compareTo(o.userId);
        }
    }

    /** A bucket of a sale, ordered as rows are locked: by sale, then bucket. */
    private record Bucket(String saleId, int bucket) implements Comparable<Bucket> {
        @Override
        public int compareTo(Bucket o) {
            int bySale = saleId.compareTo(o.saleId);
            return bySale != 0 ? bySale : Integer.compare(bucket, o.bucket);
        }
    }

    @Override
    public void open(String saleId, long stock, int buckets) {
        List<Object[]> rows = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            rows.add(new Object[] {saleId, b, StockBuckets.share(stock, buckets, b)});
        }
        template.batchUpdate("INSERT INTO stock_buckets (sale_id, bucket, available) VALUES (?,?,?)", rows);
        bucketCounts.put(saleId, buckets);
    }

    @Override
    public int bucketCount(String saleId) {
        return bucketCounts.computeIfAbsent(
                saleId,
                id -> jdbc.sql("SELECT COUNT(*) FROM stock_buckets WHERE sale_id = ?")
                        .param(id)
                        .query(Integer.class)
                        .single());
    }

    @EventListener
    void on(SaleEnded ended) {
        bucketCounts.remove(ended.saleId());
    }

    /** How many sales this instance caches a bucket count for. */
    int tracked() {
        return bucketCounts.size();
    }

    @Override
    public Map<String, Refusal> hold(List<Claim> claims, Map<String, Integer> limits) {
        Map<String, Refusal> refused = new HashMap<>(holdBuyers(claims, limits));
        Map<Buyer, Long> undo = new TreeMap<>();
        for (Map.Entry<String, List<Claim>> sale : bySale(claims).entrySet()) {
            refuseBeyondStock(sale.getKey(), sale.getValue(), refused, undo);
        }
        takeFromBuyers(undo); // rows this transaction holds already: no new lock after the buckets
        return refused;
    }

    @Override
    public Map<String, Refusal> holdBuyers(List<Claim> claims, Map<String, Integer> limits) {
        if (claims.isEmpty()) {
            return Map.of();
        }
        // every buyer's units at once, rows locked in one order by every writer
        TreeMap<Buyer, Long> added = new TreeMap<>();
        claims.forEach(c -> added.merge(new Buyer(c.saleId(), c.userId()), (long) c.quantity(), Long::sum));
        addToBuyers(added);
        Map<String, Refusal> refused = new HashMap<>();
        Map<Buyer, Long> undo = new TreeMap<>();
        for (Map.Entry<String, List<Claim>> sale : bySale(claims).entrySet()) {
            refuseOverLimit(
                    sale.getKey(),
                    sale.getValue(),
                    Objects.requireNonNull(limits.get(sale.getKey())),
                    added,
                    refused,
                    undo);
        }
        takeFromBuyers(undo);
        return refused;
    }

    @Override
    public boolean takeAll(List<Claim> claims) {
        for (Map.Entry<String, List<Claim>> sale : bySale(claims).entrySet()) {
            long need = sale.getValue().stream().mapToLong(Claim::quantity).sum();
            if (bucketCount(sale.getKey()) != 1 || !bucketRows.takeIfAvailable(sale.getKey(), 0, need)) {
                return false;
            }
        }
        return true;
    }

    /** The claims by sale, in sale order (the order every writer locks sales' rows in), each sale's in given order. */
    private static Map<String, List<Claim>> bySale(List<Claim> claims) {
        Map<String, List<Claim>> bySale = new TreeMap<>();
        claims.forEach(
                c -> bySale.computeIfAbsent(c.saleId(), k -> new ArrayList<>()).add(c));
        return bySale;
    }

    private void takeFromBuyers(Map<Buyer, Long> units) {
        if (!units.isEmpty()) {
            template.batchUpdate(
                    "UPDATE sale_buyers SET units = units - ? WHERE sale_id = ? AND user_id = ?",
                    units.entrySet().stream()
                            .map(e -> new Object[] {
                                e.getValue(), e.getKey().saleId(), e.getKey().userId()
                            })
                            .toList());
        }
    }

    private void addToBuyers(Map<Buyer, Long> units) {
        template.batchUpdate(
                addToBuyer,
                units.entrySet().stream()
                        .map(e -> new Object[] {e.getKey().saleId(), e.getKey().userId(), e.getValue()})
                        .toList());
    }

    /**
     * The buyers of one sale that now hold more than the limit: their claims of this batch are taken in order while
     * they fit, the rest refused. Nothing is read back when every buyer is within it, the common case.
     */
    private void refuseOverLimit(
            String saleId,
            List<Claim> claims,
            int limit,
            Map<Buyer, Long> added,
            Map<String, Refusal> refused,
            Map<Buyer, Long> undo) {
        List<String> users = claims.stream().map(Claim::userId).distinct().toList();
        List<Object> params = new ArrayList<>(users.size() + 2);
        params.add(saleId);
        params.add(limit);
        params.addAll(users);
        Map<String, Long> over = new HashMap<>();
        jdbc.sql("SELECT user_id, units FROM sale_buyers WHERE sale_id = ? AND units > ? AND user_id IN ("
                        + SqlDialect.placeholders(users.size()) + ")")
                .params(params)
                .query((ResultSet rs) -> {
                    over.put(rs.getString(1), rs.getLong(2));
                });
        for (Map.Entry<String, Long> user : over.entrySet()) {
            Buyer buyer = new Buyer(saleId, user.getKey());
            long held = user.getValue() - added.getOrDefault(buyer, 0L); // what the buyer held before this batch
            for (Claim c : claims) {
                if (c.userId().equals(user.getKey())) {
                    if (held + c.quantity() <= limit) {
                        held += c.quantity();
                    } else {
                        refused.put(c.id(), Refusal.LIMIT_EXCEEDED);
                        undo.merge(buyer, (long) c.quantity(), Long::sum);
                    }
                }
            }
        }
    }

    /**
     * Takes the units of the sale's claims still standing: one conditional update when the sale has them all (the
     * common case), else the claims are taken in order while they fit and the rest refused.
     */
    private void refuseBeyondStock(
            String saleId, List<Claim> claims, Map<String, Refusal> refused, Map<Buyer, Long> undo) {
        List<Claim> standing =
                claims.stream().filter(c -> !refused.containsKey(c.id())).toList();
        long need = standing.stream().mapToLong(Claim::quantity).sum();
        if (need == 0) {
            return;
        }
        if (bucketCount(saleId) == 1 && bucketRows.takeIfAvailable(saleId, 0, need)) {
            return;
        }
        List<Long> buckets = lockAll(saleId);
        long left = buckets.stream().mapToLong(Long::longValue).sum();
        long taken = 0;
        for (Claim c : standing) {
            if (taken + c.quantity() <= left) {
                taken += c.quantity();
            } else {
                refused.put(c.id(), Refusal.SOLD_OUT);
                undo.merge(new Buyer(saleId, c.userId()), (long) c.quantity(), Long::sum);
            }
        }
        takeLocked(saleId, buckets, taken);
    }

    @Override
    public long lockBuyer(String saleId, String userId) {
        template.update(addToBuyer, saleId, userId, 0L);
        return jdbc.sql("SELECT units FROM sale_buyers WHERE sale_id = ? AND user_id = ?")
                .params(saleId, userId)
                .query(Long.class)
                .single();
    }

    @Override
    public void addToBuyer(String saleId, String userId, long units) {
        jdbc.sql("UPDATE sale_buyers SET units = units + ? WHERE sale_id = ? AND user_id = ?")
                .params(units, saleId, userId)
                .update();
    }

    @Override
    public boolean take(String saleId, int quantity) {
        int n = bucketCount(saleId);
        int first = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            // a miss locks nothing, so a purchase holds at most the one bucket it took from
            if (bucketRows.takeIfAvailable(saleId, (first + i) % n, quantity)) {
                return true;
            }
        }
        if (quantity == 1 || n == 1) {
            return false;
        }
        List<Long> buckets = lockAll(saleId);
        if (buckets.stream().mapToLong(Long::longValue).sum() < quantity) {
            return false;
        }
        takeLocked(saleId, buckets, quantity);
        return true;
    }

    private List<Long> lockAll(String saleId) {
        return jdbc.sql("SELECT available FROM stock_buckets WHERE sale_id = ? ORDER BY bucket FOR UPDATE")
                .param(saleId)
                .query((rs, n) -> rs.getLong(1))
                .list();
    }

    /** Takes {@code units} from locked buckets, lowest first. */
    private void takeLocked(String saleId, List<Long> buckets, long units) {
        long left = units;
        for (int b = 0; b < buckets.size() && left > 0; b++) {
            long part = Math.min(left, buckets.get(b));
            if (part > 0) {
                bucketRows.take(saleId, b, part);
                left -= part;
            }
        }
    }

    @Override
    public void apply(List<Change> changes) {
        TreeMap<Buyer, Long> released = new TreeMap<>();
        TreeMap<Bucket, long[]> buckets = new TreeMap<>(); // {available, sold} to add
        for (Change c : changes) {
            if (c.kind() != Change.Kind.SELL) {
                released.merge(new Buyer(c.saleId(), c.userId()), (long) c.quantity(), Long::sum);
                int n = bucketCount(c.saleId());
                Bucket home = new Bucket(
                        c.saleId(), n == 1 ? 0 : Math.floorMod(c.orderId().hashCode(), n));
                buckets.computeIfAbsent(home, k -> new long[2])[0] += c.quantity();
            }
            if (c.kind() != Change.Kind.RETURN) {
                buckets.computeIfAbsent(new Bucket(c.saleId(), 0), k -> new long[2])[1] +=
                        c.kind() == Change.Kind.SELL ? c.quantity() : -c.quantity();
            }
        }
        takeFromBuyers(released);
        for (Map.Entry<Bucket, long[]> e : buckets.entrySet()) {
            int changed = jdbc.sql("UPDATE stock_buckets SET available = available + ?, sold = sold + ?, "
                            + "version = version + 1 WHERE sale_id = ? AND bucket = ?")
                    .params(
                            e.getValue()[0],
                            e.getValue()[1],
                            e.getKey().saleId(),
                            e.getKey().bucket())
                    .update();
            if (changed != 1) {
                throw new IllegalStateException("sale " + e.getKey().saleId() + " has no stock bucket "
                        + e.getKey().bucket());
            }
        }
    }

    @Override
    public void addStock(String saleId, long quantity) {
        int n = bucketCount(saleId);
        for (int b = 0; b < n; b++) {
            long part = StockBuckets.share(quantity, n, b);
            if (part > 0) {
                jdbc.sql("UPDATE stock_buckets SET available = available + ?, version = version + 1 "
                                + "WHERE sale_id = ? AND bucket = ?")
                        .params(part, saleId, b)
                        .update();
            }
        }
    }

    @Override
    public StockFigures figures(String saleId) {
        StockFigures figures = figures(List.of(saleId)).get(saleId);
        if (figures == null) {
            throw new IllegalStateException("sale " + saleId + " has no stock record");
        }
        return figures;
    }

    @Override
    public Map<String, StockFigures> figures(Collection<String> saleIds) {
        if (saleIds.isEmpty()) {
            return Map.of();
        }
        Map<String, StockFigures> figures = new LinkedHashMap<>();
        jdbc.sql("SELECT s.id, s.total_stock, SUM(b.available), SUM(b.sold) FROM sales s "
                        + "JOIN stock_buckets b ON b.sale_id = s.id WHERE s.id IN ("
                        + SqlDialect.placeholders(saleIds.size()) + ") "
                        + "GROUP BY s.id, s.total_stock")
                .params(new ArrayList<Object>(saleIds))
                .query((ResultSet rs) -> {
                    long total = rs.getLong(2);
                    long available = rs.getLong(3);
                    long sold = rs.getLong(4);
                    figures.put(rs.getString(1), new StockFigures(total, available, total - available - sold, sold));
                });
        return figures;
    }

    @Override
    public Map<String, Long> unitsByBuyer(String saleId) {
        Map<String, Long> units = new HashMap<>();
        jdbc.sql("SELECT user_id, units FROM sale_buyers WHERE sale_id = ? AND units > 0")
                .param(saleId)
                .query((ResultSet rs) -> {
                    units.put(rs.getString(1), rs.getLong(2));
                });
        return units;
    }

    @Override
    public void rewrite(String saleId, Supplier<Recount> recount) {
        jdbc.sql("SELECT user_id FROM sale_buyers WHERE sale_id = ? ORDER BY user_id FOR UPDATE")
                .param(saleId)
                .query(String.class)
                .list();
        List<Long> buckets = lockAll(saleId);
        Recount truth = recount.get();
        jdbc.sql("UPDATE sale_buyers SET units = 0 WHERE sale_id = ?")
                .param(saleId)
                .update();
        TreeMap<Buyer, Long> held = new TreeMap<>();
        truth.unitsByBuyer().forEach((user, units) -> held.put(new Buyer(saleId, user), units));
        addToBuyers(held);
        for (int b = 0; b < buckets.size(); b++) {
            jdbc.sql("UPDATE stock_buckets SET available = ?, sold = ?, version = version + 1 "
                            + "WHERE sale_id = ? AND bucket = ?")
                    .params(
                            StockBuckets.share(Math.max(0, truth.available()), buckets.size(), b),
                            b == 0 ? truth.sold() : 0,
                            saleId,
                            b)
                    .update();
        }
    }
}
