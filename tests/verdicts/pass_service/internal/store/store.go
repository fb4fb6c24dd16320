// Package store keeps orders in PostgreSQL through database/sql and the pgx driver: bounded
// pool, parameterised queries, a deadline on every call, rows always closed.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// queryTimeout bounds every statement, whatever the caller's context allows.
const queryTimeout = 3 * time.Second

// Order is one order.
type Order struct {
	ID       string `json:"id"`
	Customer string `json:"customer"`
	Cents    int64  `json:"cents"`
}

// Validate rejects orders the database would accept but the business would not.
func (o Order) Validate() error {
	switch {
	case o.Customer == "" || len(o.Customer) > 64:
		return errors.New("customer must be 1 to 64 characters")
	case o.Cents <= 0 || o.Cents > 10_000_000:
		return errors.New("cents must be between 1 and 10000000")
	}
	return nil
}

// Open connects with a pool sized to the database's connection budget (max_connections /
// replicas) and recycled connections, and checks the database answers before serving.
func Open(ctx context.Context, url string) (*sql.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("ping: %w", err)
	}
	return db, nil
}

// CreateOrder inserts once per idempotency key: a retried request returns the first result.
func CreateOrder(ctx context.Context, db *sql.DB, key string, o Order) (Order, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return Order{}, err
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	var out Order
	err = tx.QueryRowContext(ctx,
		`INSERT INTO orders (idempotency_key, customer, cents) VALUES ($1, $2, $3)
		 ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
		 RETURNING id, customer, cents`,
		key, o.Customer, o.Cents,
	).Scan(&out.ID, &out.Customer, &out.Cents)
	if err != nil {
		return Order{}, err
	}
	return out, tx.Commit()
}

// GetOrder reads one order.
func GetOrder(ctx context.Context, db *sql.DB, id string) (Order, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	var o Order
	err := db.QueryRowContext(ctx, `SELECT id, customer, cents FROM orders WHERE id = $1`, id).
		Scan(&o.ID, &o.Customer, &o.Cents)
	return o, err
}

// ByCustomer lists a customer's orders, newest first, a page at a time.
func ByCustomer(ctx context.Context, db *sql.DB, customer string, limit int) ([]Order, error) {
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	rows, err := db.QueryContext(ctx,
		`SELECT id, customer, cents FROM orders WHERE customer = $1 ORDER BY created_at DESC LIMIT $2`,
		customer, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Customer, &o.Cents); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
