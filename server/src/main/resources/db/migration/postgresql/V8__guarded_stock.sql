-- The database refuses what a wrong Redis allows (issue 12). Every sale now has the stock rows that the database
-- strategies had alone so far, and every purchase path, the Redis ones included, moves them in the transaction that
-- writes its orders:
--   stock_buckets.available  units that may still be taken (CHECK >= 0: never below zero, so never oversold)
--   stock_buckets.sold       units of PAID and FULFILLED orders (kept on bucket 0)
--   sale_buyers.units        units held by a buyer's live orders, checked against the sale's per-user limit
-- so that sum(available) + sum(sold) + reserved = total_stock at every commit, and the stock figures are read from a
-- handful of rows however many orders a sale has. The gate in Redis still decides first and fast; the transaction
-- refuses whatever it admitted beyond these counts, and a refusal makes the service rebuild the gate.
-- Lock order, everywhere: orders, then sales, then sale_buyers (by user), then stock_buckets (by bucket).
ALTER TABLE stock_buckets ADD COLUMN sold BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stock_buckets ADD CONSTRAINT stock_buckets_sold CHECK (sold >= 0);
ALTER TABLE sale_buyers ADD COLUMN units BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sale_buyers ADD CONSTRAINT sale_buyers_units CHECK (units >= 0);

-- the sales of the Redis strategies get their bucket, holding what their orders leave
INSERT INTO stock_buckets (sale_id, bucket, available)
SELECT s.id, 0, GREATEST(0, s.total_stock - COALESCE((SELECT SUM(o.quantity) FROM orders o WHERE o.sale_id = s.id
        AND o.status IN ('QUEUED', 'PENDING_PAYMENT', 'PAID', 'FULFILLED')), 0))
FROM sales s
WHERE NOT EXISTS (SELECT 1 FROM stock_buckets b WHERE b.sale_id = s.id);

UPDATE stock_buckets b SET sold = COALESCE((SELECT SUM(o.quantity) FROM orders o WHERE o.sale_id = b.sale_id
        AND o.status IN ('PAID', 'FULFILLED')), 0)
WHERE b.bucket = 0;

INSERT INTO sale_buyers (sale_id, user_id)
SELECT DISTINCT o.sale_id, o.user_id FROM orders o WHERE o.status IN ('QUEUED', 'PENDING_PAYMENT', 'PAID', 'FULFILLED')
ON CONFLICT DO NOTHING;

UPDATE sale_buyers sb SET units = COALESCE((SELECT SUM(o.quantity) FROM orders o WHERE o.sale_id = sb.sale_id
        AND o.user_id = sb.user_id AND o.status IN ('QUEUED', 'PENDING_PAYMENT', 'PAID', 'FULFILLED')), 0);

-- Coupons issued by a campaign, counted in the transaction that issues one, never more than its quantity (a
-- campaign that somehow issued more before this guard existed issues nothing further). A table of its own, so that
-- claims hold the campaign row only shared (their epoch fence, and on MariaDB the coupons' foreign key check) and
-- queue on this row only from their last statement to their commit.
CREATE TABLE campaign_counts (
    campaign_id VARCHAR(36) PRIMARY KEY REFERENCES coupon_campaigns (id),
    quantity    BIGINT NOT NULL,
    issued      BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT campaign_counts_within CHECK (issued >= 0 AND issued <= quantity)
);
INSERT INTO campaign_counts (campaign_id, quantity, issued)
SELECT c.id, c.quantity, LEAST(c.quantity, (SELECT COUNT(*) FROM coupons k WHERE k.campaign_id = c.id))
FROM coupon_campaigns c;

-- An accepted QUEUED order that the database refused (the gate had admitted more than the stock or the limit) is
-- written REJECTED, with the contract's error code of the refusal here, so that its owner sees why.
ALTER TABLE orders ADD COLUMN refusal VARCHAR(32);

-- An accepted QUEUED order whose idempotency key turned out to belong to an order written before (the gate had lost
-- the key, so a retry was accepted under a new id): the shopper was told its id, which from then on stands for the
-- order that holds the key.
CREATE TABLE order_aliases (
    id       VARCHAR(36) PRIMARY KEY,
    order_id VARCHAR(36) NOT NULL REFERENCES orders (id)
);
