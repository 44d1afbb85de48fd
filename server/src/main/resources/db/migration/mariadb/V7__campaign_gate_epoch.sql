-- MariaDB 10.11+ twin of postgresql/V7__campaign_gate_epoch.sql.

-- Fencing of coupon-campaign gate rebuilds, as V4 does for sales: every rebuild of a campaign's gate bumps this epoch
-- before reading the coupons issued and writes it into the rebuilt gate; a claim's coupon is written only while the
-- epoch of the gate that granted it is still current, checked with the campaign row held in share mode. So a claim
-- granted by a gate that has since been rebuilt (Redis lost its keys mid-rush) can never issue one coupon too many.
ALTER TABLE coupon_campaigns ADD COLUMN gate_epoch BIGINT NOT NULL DEFAULT 0;
