CREATE TABLE orders (id text, customer text, amount float);
