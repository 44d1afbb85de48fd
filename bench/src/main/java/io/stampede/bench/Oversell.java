package io.stampede.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Oversold units of one run, computed by the bench from what it saw, not taken from the server's own verdict: the
 * placed orders (201/202 with an order id) against the stock the sale was created with and the per-user limit, and
 * the sale's figures ({@code GET /api/sales/{id}}) against that same stock.
 */
public final class Oversell {

    /** An order the bench was told about: who placed it and how many units. */
    public record Placed(String userId, String orderId, long quantity) {}

    /** The stock block of the sale as read after the run settled. */
    public record Figures(long total, long available, long reserved, long sold) {
        long taken() {
            return reserved + sold;
        }

        /** The {@code stock} of a {@code GET /api/sales/{id}} answer, or null unless it is a 200 with all four. */
        static Figures of(Api.Reply reply) {
            if (reply.status() != 200) {
                return null;
            }
            JsonNode stock = reply.body().path("stock");
            Long total = Api.number(stock, "total");
            Long available = Api.number(stock, "available");
            Long reserved = Api.number(stock, "reserved");
            Long sold = Api.number(stock, "sold");
            return total != null && available != null && reserved != null && sold != null
                    ? new Figures(total, available, reserved, sold)
                    : null;
        }
    }

    /**
     * The verdict: {@code units()} must be 0. {@code beyondStock} counts units beyond the created stock (from the
     * answers or from the sale's figures, whichever is larger), {@code beyondLimit} units beyond a user's limit;
     * {@code notes} name inconsistencies that are not oversell (figures that do not add up, lost orders).
     */
    public record Result(long beyondStock, long beyondLimit, List<String> notes) {
        public long units() {
            return beyondStock + beyondLimit;
        }
    }

    private Oversell() {}

    /**
     * Checks the answers and the sale's figures against the stock and the per-user limit.
     *
     * @param figures the sale's stock figures, or null when they could not be read (then only the answers count)
     */
    public static Result compute(long stock, long perUserLimit, List<Placed> placed, Figures figures) {
        Map<String, Long> unitsOfOrder = new HashMap<>();
        Map<String, String> userOfOrder = new HashMap<>();
        List<String> notes = new ArrayList<>();
        long sharedIds = 0;
        for (Placed p : placed) {
            // the same order id answered twice is one order (an idempotent replay), not two
            unitsOfOrder.merge(p.orderId(), p.quantity(), Math::max);
            String before = userOfOrder.putIfAbsent(p.orderId(), p.userId());
            if (before != null && !before.equals(p.userId())) {
                sharedIds++;
            }
        }
        long placedUnits =
                unitsOfOrder.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> unitsOfUser = new HashMap<>();
        unitsOfOrder.forEach((orderId, units) -> unitsOfUser.merge(userOfOrder.get(orderId), units, Long::sum));
        long beyondLimit = unitsOfUser.values().stream()
                .mapToLong(u -> Math.max(0, u - perUserLimit))
                .sum();
        long beyondStock = Math.max(0, placedUnits - stock);
        if (sharedIds > 0) {
            notes.add(sharedIds + " order ids were answered to more than one user");
        }
        if (figures != null) {
            // the created stock, not figures.total: a server that lies about its total must not hide oversell
            long fromFigures = Math.max(Math.max(0, figures.taken() - stock), Math.max(0, -figures.available()));
            beyondStock = Math.max(beyondStock, fromFigures);
            if (figures.total() != figures.available() + figures.reserved() + figures.sold()) {
                notes.add("stock does not add up: total " + figures.total() + " != available " + figures.available()
                        + " + reserved " + figures.reserved() + " + sold " + figures.sold());
            }
            if (figures.total() != stock) {
                notes.add("stock total " + figures.total() + ", created with " + stock);
            }
            if (placedUnits > figures.taken()) {
                notes.add(placedUnits + " units placed but only " + figures.taken() + " reserved or sold");
            }
        }
        return new Result(beyondStock, beyondLimit, List.copyOf(notes));
    }
}
