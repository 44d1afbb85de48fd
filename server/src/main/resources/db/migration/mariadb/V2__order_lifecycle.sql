-- MariaDB 10.11+ twin of postgresql/V2__order_lifecycle.sql. MariaDB has no partial indexes, so the two
-- PostgreSQL ones become plain ones: orders (gate_release_pending, updated_at), and for the unpositioned events the
-- unique index on position itself (InnoDB keeps the NULL entries in it, each followed by its seq).

-- Orders whose units the database has returned (cancelled, expired, refunded) but whose gate counters may not
-- be released yet; a repair job re-runs the idempotent release for any left behind by a crash.
ALTER TABLE orders ADD COLUMN gate_release_pending BOOLEAN NOT NULL DEFAULT FALSE;
-- the repair job's scan: pending releases by the time of their change
CREATE INDEX orders_gate_release_pending ON orders (gate_release_pending, updated_at);
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
    received_at   DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Money to give back: payments that arrived for orders no longer payable, and refunds of paid orders.
CREATE TABLE refunds (
    id           VARCHAR(36) PRIMARY KEY,
    payment_id   VARCHAR(64),
    order_id     VARCHAR(64) NOT NULL,
    amount_cents BIGINT      NOT NULL,
    reason       VARCHAR(32) NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    INDEX refunds_created (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- Transactional outbox. Rows are written in the transaction of the change they describe; "position" is given
-- afterwards, under a lock, to committed rows only, so a reader following positions never skips an event that
-- committed late (AUTO_INCREMENT values are taken at insert, not at commit).
CREATE TABLE events (
    seq         BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    id          VARCHAR(36) NOT NULL,
    type        VARCHAR(40) NOT NULL,
    version     INTEGER     NOT NULL,
    occurred_at DATETIME(6) NOT NULL,
    -- MEDIUMTEXT: PostgreSQL's TEXT is unbounded, MariaDB's TEXT stops at 64 KiB
    data        MEDIUMTEXT  NOT NULL,
    position    BIGINT,
    CONSTRAINT events_id_key UNIQUE (id),
    -- also the positioner's scan: WHERE position IS NULL ORDER BY seq
    CONSTRAINT events_position_key UNIQUE (position)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- The single row the positioner locks; holds the last position given.
CREATE TABLE event_positions (
    id   INTEGER PRIMARY KEY,
    last BIGINT  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
INSERT INTO event_positions (id, last) VALUES (1, 0);
