-- Events already published to RabbitMQ (and confirmed by it); the relay publishes the others in feed order.
ALTER TABLE events ADD COLUMN relayed BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX events_unrelayed ON events (relayed, position);
