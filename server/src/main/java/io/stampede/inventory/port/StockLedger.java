package io.stampede.inventory.port;

import io.stampede.inventory.domain.Refusal;
import io.stampede.sale.domain.StockFigures;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The database's own record of every sale's units, for every strategy: rows of units that may still be taken
 * ({@code stock_buckets.available}, never below zero), units sold (on bucket 0), and the units each buyer's live
 * orders hold ({@code sale_buyers.units}). Whatever takes stock moves them in the transaction that writes its
 * orders, and whatever ends an order moves them back in the transaction that ends it, so at every commit
 * {@code sum(available) + sum(sold) + reserved = total} and no buyer holds more than the sale's limit, whatever the
 * gate in Redis believed. Every method runs in the caller's transaction; locks taken here last until its end, always
 * buyers (by user) before buckets (by bucket).
 */
public interface StockLedger {
    /** Units a new order takes: {@code id} names the order. */
    record Claim(String id, String saleId, String userId, int quantity) {}

    /** What an order that changes state does to the units. */
    record Change(String saleId, String userId, String orderId, int quantity, Kind kind) {
        public enum Kind {
            /** Reserved units become sold (the order was paid). */
            SELL,
            /** Reserved units go back to available (cancelled, expired). */
            RETURN,
            /** Sold units go back to available (refunded). */
            RETURN_SOLD
        }
    }

    /** The record of a new sale: its stock spread over {@code buckets} rows. */
    void open(String saleId, long stock, int buckets);

    int bucketCount(String saleId);

    /**
     * Takes the units of new orders of many sales at once (a group commit's batch), each within its buyer's limit and
     * its sale's stock, in the order given: the claims that do not fit are refused and take nothing. The sales' stock
     * rows are locked from here to the commit; see {@link #holdBuyers} and {@link #takeAll} for a batch that keeps
     * them locked only at its very end.
     *
     * @param limits the per-user limit of every sale of the claims
     * @return the refused claims by id; empty when all were taken
     */
    Map<String, Refusal> hold(List<Claim> claims, Map<String, Integer> limits);

    /**
     * The buyers' half of {@link #hold}: adds the claims' units to their buyers and refuses, in the order given, those
     * that pass a buyer's limit (their units taken back). Two statements when every buyer stays within the limit.
     */
    Map<String, Refusal> holdBuyers(List<Claim> claims, Map<String, Integer> limits);

    /**
     * The stock's half, for claims whose buyers are held: takes all their units with one conditional update per
     * sale (in sale order), or answers false when a sale has fewer, after which the caller must roll back (an
     * earlier sale's units may be taken) and use {@link #hold}. Meant as a batch's last statement, so that the stock
     * rows, which every writer of the sale needs, stay locked only until the commit that follows.
     */
    boolean takeAll(List<Claim> claims);

    /** Locks the buyer's row (creating it) and answers the units the buyer's live orders hold. */
    long lockBuyer(String saleId, String userId);

    /** Adds units to a buyer whose row the caller has locked. */
    void addToBuyer(String saleId, String userId, long units);

    /**
     * Takes units from any bucket of the sale that has them (starting at a random one, so concurrent takers spread
     * over the rows), gathering them from several in bucket order when no single one has enough; false, taking
     * nothing, when the sale has fewer.
     */
    boolean take(String saleId, int quantity);

    /** Applies the changes of ended or paid orders: buyers first (by sale, user), then buckets (by sale, bucket). */
    void apply(List<Change> changes);

    /** Restocked units, spread over the sale's buckets. */
    void addStock(String saleId, long quantity);

    /** Stock figures from the record: a few rows, whatever the number of orders. */
    StockFigures figures(String saleId);

    /** The figures of many sales in one query; a sale with no record is missing from the answer. */
    Map<String, StockFigures> figures(Collection<String> saleIds);

    /** The units each buyer of the sale holds, buyers holding none left out. */
    Map<String, Long> unitsByBuyer(String saleId);

    /** A sale's units as counted from its orders. */
    record Recount(long available, long sold, Map<String, Long> unitsByBuyer) {}

    /**
     * Rewrites the sale's record from a recount of its orders, taken once every buyer row and bucket of the sale is
     * locked (so no purchase or state change moves them meanwhile): for a record found to disagree with the orders.
     */
    void rewrite(String saleId, Supplier<Recount> recount);
}
