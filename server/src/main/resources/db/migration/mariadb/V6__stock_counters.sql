-- MariaDB 10.11+ twin of postgresql/V6__stock_counters.sql (same tables, byte-wise strings as in V1).

-- Stock counters of the strategies that take stock in the database (DB_PESSIMISTIC, DB_OPTIMISTIC,
-- DB_CONDITIONAL, REDIS_LOCK: one bucket; SEGMENTED: several). A purchase decrements a bucket in the same
-- transaction that inserts its order, and an order that ends gives its units back in the transaction that ends
-- it, so sum(available) = total - reserved - sold holds at every commit. Sales of the Redis strategies have no
-- rows here.
CREATE TABLE stock_buckets (
    sale_id   VARCHAR(36) NOT NULL,
    bucket    INTEGER     NOT NULL,
    available BIGINT      NOT NULL CHECK (available >= 0),
    -- DB_OPTIMISTIC: bumped by every change, so a write based on an older read fails and is retried
    version   BIGINT      NOT NULL DEFAULT 0,
    -- REDIS_LOCK: the highest lock fencing token seen; a holder with a lower one lost its lease and may not write
    fence     BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (sale_id, bucket),
    CONSTRAINT stock_buckets_sale FOREIGN KEY (sale_id) REFERENCES sales (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- One row per buyer of a sale, locked by a purchase while it checks and takes the buyer's share: the per-user
-- lock of the strategies that do not serialize the whole sale on one row (SEGMENTED, TOKEN_QUEUE).
CREATE TABLE sale_buyers (
    sale_id VARCHAR(36) NOT NULL,
    user_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (sale_id, user_id),
    CONSTRAINT sale_buyers_sale FOREIGN KEY (sale_id) REFERENCES sales (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
