package io.stampede.sale.domain;

/**
 * Units of a sale: {@code reserved} are held by QUEUED or PENDING_PAYMENT orders, {@code sold} by PAID or FULFILLED
 * ones, and {@code available = total - reserved - sold} is what may still be sold.
 */
public record StockFigures(long total, long available, long reserved, long sold) {
    public static StockFigures of(long total, long reserved, long sold) {
        return new StockFigures(total, total - reserved - sold, reserved, sold);
    }
}
