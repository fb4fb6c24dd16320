module example.com/orders

// An end-of-life toolchain: go 1.16 has had no security fixes for years.
go 1.16

require (
	github.com/cenkalti/backoff/v4 v4.1.0
	github.com/jackc/pgx/v4 v4.10.0
	github.com/prometheus/client_golang v1.9.0
	github.com/rs/cors v1.7.0
	github.com/sony/gobreaker v0.4.1
	go.opentelemetry.io/otel v0.16.0
	golang.org/x/time v0.0.0-20201208040808-7e3f01d25324
)
