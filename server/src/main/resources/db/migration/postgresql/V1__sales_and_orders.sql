-- Sales: the definition of a flash sale and its stock. Units held by orders are counted from the orders
-- themselves (available = total_stock - reserved - sold), so there is one truth and nothing to drift.
CREATE TABLE sales (
    id                      VARCHAR(36)  PRIMARY KEY,
    name                    VARCHAR(200) NOT NULL,
    sku                     VARCHAR(64)  NOT NULL,
    price_cents             BIGINT       NOT NULL,
    starts_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at                 TIMESTAMP WITH TIME ZONE NOT NULL,
    per_user_limit          INTEGER      NOT NULL,
    payment_timeout_seconds BIGINT       NOT NULL,
    strategy                VARCHAR(20)  NOT NULL,
    intake                  VARCHAR(10)  NOT NULL,
    total_stock             BIGINT       NOT NULL CHECK (total_stock >= 0),
    -- units physically in the warehouse; decremented when an order is fulfilled
    on_hand                 BIGINT       NOT NULL CHECK (on_hand >= 0),
    created_at              TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX sales_created_at ON sales (created_at);

CREATE TABLE orders (
    id               VARCHAR(36) PRIMARY KEY,
    sale_id          VARCHAR(36) NOT NULL REFERENCES sales (id),
    user_id          VARCHAR(64) NOT NULL,
    idempotency_key  VARCHAR(64) NOT NULL,
    quantity         INTEGER     NOT NULL CHECK (quantity > 0),
    amount_cents     BIGINT      NOT NULL,
    status           VARCHAR(20) NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the database's own guard against a replayed key becoming a second order
    CONSTRAINT orders_idempotency UNIQUE (sale_id, user_id, idempotency_key)
);
CREATE INDEX orders_sale_status ON orders (sale_id, status);
CREATE INDEX orders_user_created ON orders (user_id, created_at);

-- Every state an order entered, once each (the state machine has no cycles).
CREATE TABLE order_history (
    order_id VARCHAR(36) NOT NULL REFERENCES orders (id),
    status   VARCHAR(20) NOT NULL,
    at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (order_id, status)
);
