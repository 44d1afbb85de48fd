-- MariaDB 10.11+ twin of postgresql/V1__sales_and_orders.sql: the same tables, columns, constraints and meaning.
-- Instants are DATETIME(6) holding UTC (the service sets the session time zone to UTC and keeps instants, see
-- io.stampede.shared.jdbc.SqlDialect); strings compare byte for byte and without padding, as in PostgreSQL, so
-- 'u1', 'U1' and 'u1 ' stay three users and three idempotency keys.

-- Sales: the definition of a flash sale and its stock. Units held by orders are counted from the orders
-- themselves (available = total_stock - reserved - sold), so there is one truth and nothing to drift.
CREATE TABLE sales (
    id                      VARCHAR(36)  PRIMARY KEY,
    name                    VARCHAR(200) NOT NULL,
    sku                     VARCHAR(64)  NOT NULL,
    price_cents             BIGINT       NOT NULL,
    starts_at               DATETIME(6)  NOT NULL,
    ends_at                 DATETIME(6)  NOT NULL,
    per_user_limit          INTEGER      NOT NULL,
    payment_timeout_seconds BIGINT       NOT NULL,
    strategy                VARCHAR(20)  NOT NULL,
    intake                  VARCHAR(10)  NOT NULL,
    total_stock             BIGINT       NOT NULL CHECK (total_stock >= 0),
    -- units physically in the warehouse; decremented when an order is fulfilled
    on_hand                 BIGINT       NOT NULL CHECK (on_hand >= 0),
    created_at              DATETIME(6)  NOT NULL,
    INDEX sales_created_at (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE TABLE orders (
    id               VARCHAR(36) PRIMARY KEY,
    sale_id          VARCHAR(36) NOT NULL,
    user_id          VARCHAR(64) NOT NULL,
    idempotency_key  VARCHAR(64) NOT NULL,
    quantity         INTEGER     NOT NULL CHECK (quantity > 0),
    amount_cents     BIGINT      NOT NULL,
    status           VARCHAR(20) NOT NULL,
    created_at       DATETIME(6) NOT NULL,
    expires_at       DATETIME(6) NOT NULL,
    updated_at       DATETIME(6) NOT NULL,
    CONSTRAINT orders_sale FOREIGN KEY (sale_id) REFERENCES sales (id),
    -- the database's own guard against a replayed key becoming a second order
    CONSTRAINT orders_idempotency UNIQUE (sale_id, user_id, idempotency_key),
    INDEX orders_sale_status (sale_id, status),
    INDEX orders_user_created (user_id, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Every state an order entered, once each (the state machine has no cycles).
CREATE TABLE order_history (
    order_id VARCHAR(36) NOT NULL,
    status   VARCHAR(20) NOT NULL,
    at       DATETIME(6) NOT NULL,
    PRIMARY KEY (order_id, status),
    CONSTRAINT order_history_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
