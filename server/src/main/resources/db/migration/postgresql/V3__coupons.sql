-- Coupon campaigns: a limited number of coupons, claimed under a rush through the same Redis gate as sales.
CREATE TABLE coupon_campaigns (
    id             VARCHAR(36)  PRIMARY KEY,
    name           VARCHAR(200) NOT NULL,
    quantity       BIGINT       NOT NULL CHECK (quantity > 0),
    per_user_limit INTEGER      NOT NULL CHECK (per_user_limit > 0),
    starts_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    discount_cents BIGINT       NOT NULL CHECK (discount_cents >= 0),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX coupon_campaigns_created ON coupon_campaigns (created_at);

-- One row per claimed coupon. The database enforces the per-user limit as well as the gate: a user's coupons of a
-- campaign take the slots 1..per_user_limit, each slot once, so no retry, replay or race can issue one too many
-- (with the default limit of 1 this is a plain unique (campaign, user)).
CREATE TABLE coupons (
    id              VARCHAR(36) PRIMARY KEY,
    campaign_id     VARCHAR(36) NOT NULL REFERENCES coupon_campaigns (id),
    user_id         VARCHAR(64) NOT NULL,
    idempotency_key VARCHAR(64) NOT NULL,
    user_slot       INTEGER     NOT NULL CHECK (user_slot >= 1),
    slot_limit      INTEGER     NOT NULL,
    code            VARCHAR(32) NOT NULL UNIQUE,
    status          VARCHAR(16) NOT NULL,
    order_id        VARCHAR(36),
    claimed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT coupons_slot_within_limit CHECK (user_slot <= slot_limit),
    CONSTRAINT coupons_user_slot UNIQUE (campaign_id, user_id, user_slot),
    CONSTRAINT coupons_idempotency UNIQUE (campaign_id, user_id, idempotency_key)
);
CREATE INDEX coupons_user ON coupons (user_id, claimed_at);

-- The coupon an order redeemed, if any (released again if the order is cancelled or expires).
ALTER TABLE orders ADD COLUMN coupon_id VARCHAR(36);
