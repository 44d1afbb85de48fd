package io.stampede.bench;

/**
 * One run of the comparison: one database, strategy and concurrency.
 *
 * @param measured     false when the run failed before any attempt (sale not created, server down)
 * @param throughput   answered attempts per second of the run's wall time
 * @param p50Ms        median latency of the answered attempts, NaN when none
 * @param p99Ms        99th percentile, NaN when none
 * @param placed       201/202 answers with an order id
 * @param soldOut      409 SOLD_OUT
 * @param limit        409 LIMIT_EXCEEDED
 * @param unavailable  503 (a DB_OPTIMISTIC sale answers it after its bounded retries: a legitimate answer)
 * @param errors       anything else: 5xx other than 503, 429, other 4xx, transport errors
 * @param notAttempted attempts not sent, or still in flight, when the run's time budget ran out
 * @param oversold     units sold beyond the stock or a user's limit, null when it could not be checked
 * @param wallSeconds  the run's wall time
 * @param note         why a run failed, what the errors were, anything odd; empty when nothing
 */
public record CompareRow(
        String database,
        String strategy,
        int concurrency,
        boolean measured,
        double throughput,
        double p50Ms,
        double p99Ms,
        long placed,
        long soldOut,
        long limit,
        long unavailable,
        long errors,
        long notAttempted,
        Long oversold,
        double wallSeconds,
        String note) {

    /** A run that produced no measurement, with the reason. */
    static CompareRow failed(String database, String strategy, int concurrency, String reason) {
        return new CompareRow(
                database,
                strategy,
                concurrency,
                false,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                0,
                0,
                0,
                0,
                0,
                0,
                null,
                0,
                reason);
    }

    public boolean oversoldAny() {
        return oversold != null && oversold > 0;
    }
}
