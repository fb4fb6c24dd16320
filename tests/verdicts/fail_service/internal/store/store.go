// Package store talks to PostgreSQL through pgx v4: queries built with fmt.Sprintf, rows left
// open, one pool setting of four and no timeouts.
package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v4/pgxpool"
)

// Store wraps the pool.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects with far more connections than the database allows and no lifetimes.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 5000
	pool, err := pgxpool.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// Insert interpolates every value into the statement.
func (s *Store) Insert(ctx context.Context, id, customer string, amount float64) error {
	q := fmt.Sprintf("INSERT INTO orders (id, customer, amount) VALUES ('%s', '%s', %f)", id, customer, amount)
	_, err := s.pool.Exec(ctx, q)
	return err
}

// Search concatenates user input into the WHERE and ORDER BY clauses and never closes rows.
func (s *Store) Search(ctx context.Context, customer, sort string) ([]string, error) {
	rows, err := s.pool.Query(ctx, "SELECT id FROM orders WHERE customer = '"+customer+"' ORDER BY "+sort)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids, nil
}

// Transfer holds a transaction open across a network call and never rolls back.
func (s *Store) Transfer(ctx context.Context, from, to string, notify func() error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf("UPDATE accounts SET balance = balance - 1 WHERE id = '%s'", from)); err != nil {
		return err
	}
	_ = notify() // a slow HTTP call inside the transaction
	if _, err := tx.Exec(ctx, fmt.Sprintf("UPDATE accounts SET balance = balance + 1 WHERE id = '%s'", to)); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
