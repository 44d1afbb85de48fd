-- MariaDB 10.11+ twin of postgresql/V4__gate_epoch.sql.

-- Fencing of gate rebuilds across instances. Every rebuild bumps the sale's epoch here (after dropping the gate,
-- before reading the truth) and writes it into the rebuilt gate; every reservation carries the epoch of the gate
-- that granted it, and its order is written only if that epoch is still current, checked with the sale row held
-- in share mode (LOCK IN SHARE MODE, MariaDB's FOR SHARE). So an order reserved on a gate that has since been
-- rebuilt can never commit behind the rebuild's back.
ALTER TABLE sales ADD COLUMN gate_epoch BIGINT NOT NULL DEFAULT 0;
