-- A hot sale's gate spread over several Redis hash slots (so several Cluster masters): 1 is one gate, as before
ALTER TABLE sales ADD COLUMN gate_segments INT NOT NULL DEFAULT 1;
