package io.stampede.sale.domain;

/** How a sale takes stock; see the strategies table of the API contract. */
public enum StockStrategy {
    REDIS_LUA,
    DB_PESSIMISTIC,
    DB_OPTIMISTIC,
    DB_CONDITIONAL,
    REDIS_LOCK,
    SEGMENTED,
    TOKEN_QUEUE;

    /** The Lua gate holds the stock, the per-user counts and the keys; the database records the winners. */
    public boolean usesGate() {
        return this == REDIS_LUA;
    }

    /** Stock is counted in database rows, taken in the transaction that writes the order. */
    public boolean countsInDatabase() {
        return this != REDIS_LUA && this != TOKEN_QUEUE;
    }

    /** Stock is a Redis list of tokens, one per unit. */
    public boolean countsInTokens() {
        return this == TOKEN_QUEUE;
    }
}
