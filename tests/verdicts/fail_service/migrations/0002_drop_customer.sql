-- Drops a column the running release still reads, in the same deploy.
ALTER TABLE orders DROP COLUMN customer;
UPDATE orders SET amount = amount * 100;
