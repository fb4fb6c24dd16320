-- +goose Up
CREATE TABLE orders (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    idempotency_key text NOT NULL UNIQUE,
    customer        text NOT NULL,
    cents           bigint NOT NULL CHECK (cents > 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_created ON orders (customer, created_at DESC);

-- +goose Down
DROP TABLE orders;
