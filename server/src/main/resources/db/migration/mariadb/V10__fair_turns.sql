-- MariaDB twin of postgresql/V10__fair_turns.sql
-- How buyers get their turn (docs/fair-drops.md): OPEN as before, a WAITING_ROOM or a DRAW
ALTER TABLE sales ADD COLUMN access VARCHAR(12) NOT NULL DEFAULT 'OPEN';
ALTER TABLE sales ADD COLUMN proof_of_work INT NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN room_opens_at DATETIME(6) NULL;
-- the rate the room lets shoppers through; the operator may change it live (the room's schedule is in Redis)
ALTER TABLE sales ADD COLUMN room_admit_per_second INT NULL;
ALTER TABLE sales ADD COLUMN room_randomize_seconds BIGINT NULL;
ALTER TABLE sales ADD COLUMN room_admission_ttl_seconds BIGINT NULL;
ALTER TABLE sales ADD COLUMN draw_entries_open_at DATETIME(6) NULL;

-- A draw's commitment and progress: the seed stays secret until the draw is made
CREATE TABLE draws (
    sale_id       VARCHAR(36) PRIMARY KEY REFERENCES sales (id),
    seed          VARCHAR(64) NOT NULL,
    seed_hash     VARCHAR(64) NOT NULL,
    entries_hash  VARCHAR(64) NULL,
    entries_count INT         NULL,
    drawn_at      DATETIME(6) NULL,
    -- how many entrants of the draw order have been given an order (or passed over)
    offered       INT         NOT NULL DEFAULT 0,
    -- one instance at a time makes the draw and the offers
    lease_until   DATETIME(6) NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

-- One entry per shopper and draw; the order given to a winner
CREATE TABLE draw_entries (
    sale_id    VARCHAR(36) NOT NULL REFERENCES sales (id),
    user_id    VARCHAR(64) NOT NULL,
    entered_at DATETIME(6) NOT NULL,
    order_id   VARCHAR(36) NULL,
    PRIMARY KEY (sale_id, user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
