// Package store is the tides database access layer.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// DB wraps the connection pool.
type DB struct{ pool *sql.DB }

// Open connects and sizes the pool for a small service.
func Open(ctx context.Context, dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(5)
	pool.SetConnMaxLifetime(30 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("ping: %w", err)
	}
	return &DB{pool: pool}, nil
}

// Close releases the pool.
func (d *DB) Close() error { return d.pool.Close() }

// Ping checks the database is reachable.
func (d *DB) Ping(ctx context.Context) error { return d.pool.PingContext(ctx) }

// Levels returns the last water levels recorded at a station.
func (d *DB) Levels(ctx context.Context, station string) ([]float64, error) {
	rows, err := d.pool.QueryContext(ctx,
		`SELECT level FROM readings WHERE station = $1 ORDER BY at DESC LIMIT 24`, station)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []float64
	for rows.Next() {
		var v float64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddStation registers a new station.
func (d *DB) AddStation(ctx context.Context, id, name string) error {
	_, err := d.pool.ExecContext(ctx, `INSERT INTO stations (id, name) VALUES ($1, $2)`, id, name)
	return err
}
