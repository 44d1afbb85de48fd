-- Orders whose units the database has returned (cancelled, expired, refunded) but whose gate counters may not
-- be released yet; a repair job re-runs the idempotent release for any left behind by a crash.
ALTER TABLE orders ADD COLUMN gate_release_pending BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX orders_gate_release_pending ON orders (gate_release_pending) WHERE gate_release_pending;
-- the expiry sweeper's scan: unpaid orders by deadline
CREATE INDEX orders_status_expires ON orders (status, expires_at);

-- One row per payment callback, with the answer it got, so the same paymentId always gets the same answer.
CREATE TABLE payments (
    payment_id    VARCHAR(64) PRIMARY KEY,
    order_id      VARCHAR(64) NOT NULL,
    amount_cents  BIGINT      NOT NULL,
    outcome       VARCHAR(16) NOT NULL,
    answer_status INTEGER     NOT NULL,
    answer_code   VARCHAR(32),
    answer_detail VARCHAR(500),
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Money to give back: payments that arrived for orders no longer payable, and refunds of paid orders.
CREATE TABLE refunds (
    id           VARCHAR(36) PRIMARY KEY,
    payment_id   VARCHAR(64),
    order_id     VARCHAR(64) NOT NULL,
    amount_cents BIGINT      NOT NULL,
    reason       VARCHAR(32) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX refunds_created ON refunds (created_at);

-- Transactional outbox. Rows are written in the transaction of the change they describe; "position" is given
-- afterwards, under a lock, to committed rows only, so a reader following positions never skips an event that
-- committed late (sequence values are taken at insert, not at commit).
CREATE TABLE events (
    seq         BIGSERIAL   PRIMARY KEY,
    id          VARCHAR(36) NOT NULL UNIQUE,
    type        VARCHAR(40) NOT NULL,
    version     INTEGER     NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    data        TEXT        NOT NULL,
    position    BIGINT      UNIQUE
);
CREATE INDEX events_unpositioned ON events (seq) WHERE position IS NULL;

-- The single row the positioner locks; holds the last position given.
CREATE TABLE event_positions (
    id   INTEGER PRIMARY KEY,
    last BIGINT  NOT NULL
);
INSERT INTO event_positions (id, last) VALUES (1, 0);
