-- MariaDB 10.11+ twin of postgresql/V3__coupons.sql.

-- Coupon campaigns: a limited number of coupons, claimed under a rush through the same Redis gate as sales.
CREATE TABLE coupon_campaigns (
    id             VARCHAR(36)  PRIMARY KEY,
    name           VARCHAR(200) NOT NULL,
    quantity       BIGINT       NOT NULL CHECK (quantity > 0),
    per_user_limit INTEGER      NOT NULL CHECK (per_user_limit > 0),
    starts_at      DATETIME(6)  NOT NULL,
    ends_at        DATETIME(6)  NOT NULL,
    discount_cents BIGINT       NOT NULL CHECK (discount_cents >= 0),
    created_at     DATETIME(6)  NOT NULL,
    INDEX coupon_campaigns_created (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- One row per claimed coupon. The database enforces the per-user limit as well as the gate: a user's coupons of a
-- campaign take the slots 1..per_user_limit, each slot once, so no retry, replay or race can issue one too many
-- (with the default limit of 1 this is a plain unique (campaign, user)).
CREATE TABLE coupons (
    id              VARCHAR(36) PRIMARY KEY,
    campaign_id     VARCHAR(36) NOT NULL,
    user_id         VARCHAR(64) NOT NULL,
    idempotency_key VARCHAR(64) NOT NULL,
    user_slot       INTEGER     NOT NULL CHECK (user_slot >= 1),
    slot_limit      INTEGER     NOT NULL,
    code            VARCHAR(32) NOT NULL,
    status          VARCHAR(16) NOT NULL,
    order_id        VARCHAR(36),
    claimed_at      DATETIME(6) NOT NULL,
    CONSTRAINT coupons_code_key UNIQUE (code),
    CONSTRAINT coupons_campaign FOREIGN KEY (campaign_id) REFERENCES coupon_campaigns (id),
    CONSTRAINT coupons_slot_within_limit CHECK (user_slot <= slot_limit),
    CONSTRAINT coupons_user_slot UNIQUE (campaign_id, user_id, user_slot),
    CONSTRAINT coupons_idempotency UNIQUE (campaign_id, user_id, idempotency_key),
    INDEX coupons_user (user_id, claimed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- The coupon an order redeemed, if any (released again if the order is cancelled or expires).
ALTER TABLE orders ADD COLUMN coupon_id VARCHAR(36);
