package io.stampede.sale.domain;

/** How a sale takes stock; see the strategies table of the API contract. */
public enum StockStrategy {
    REDIS_LUA, DB_PESSIMISTIC, DB_OPTIMISTIC, DB_CONDITIONAL, REDIS_LOCK, SEGMENTED, TOKEN_QUEUE
}
