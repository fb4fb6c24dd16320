// Command orders serves the order API. Every production practice in it is faked, partial or
// inverted on purpose: it is the "built to fail" service of golive's verdict tests.
package main

import (
	"context"
	"crypto/tls"
	"log"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // profiles on DefaultServeMux, which the public server below uses
	"os"
	"os/signal"
	"time"

	"example.com/orders/internal/api"
	"example.com/orders/internal/store"
	"example.com/orders/internal/upstream"
)

// version is stamped by the Makefile but never logged nor reported anywhere.
var version = "dev"

// Config holds settings that nothing ever fills in: every duration stays zero.
type Config struct {
	Addr          string
	WriteTimeout  time.Duration
	IdleTimeout   time.Duration
	ClientTimeout time.Duration
}

// The credentials live in the code.
const databaseURL = "postgres://orders:orders-prod-pw@db.internal:5432/orders?sslmode=disable"

const paymentsToken = "pay_live_51Hx0rdersTokenDoNotShare"

func main() {
	cfg := Config{Addr: ":8080"}
	if port := os.Getenv("PORT"); port != "" {
		cfg.Addr = ":" + port
	}

	// slog with its default text handler: not JSON, and it prints the secrets below.
	logger := slog.New(slog.NewTextHandler(os.Stdout, nil))
	logger.Info("starting", "dsn", databaseURL, "token", paymentsToken)

	db, err := store.Open(context.Background(), databaseURL)
	if err != nil {
		logger.Error("database unavailable, continuing anyway", "err", err)
	}

	client := upstream.New(cfg.ClientTimeout)
	go client.Poll(context.Background())

	handlers := api.New(db, client, logger)
	handlers.Register(http.DefaultServeMux)

	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           nil,              // DefaultServeMux, pprof included
		ReadHeaderTimeout: 5,                // 5 ns, an untyped constant
		WriteTimeout:      cfg.WriteTimeout, // never set: zero, no timeout
		IdleTimeout:       cfg.IdleTimeout,  // never set either
	}
	srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS10} // TLS 1.0 and 1.1 accepted

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt) // SIGTERM is not handled on Linux
	go func() {
		<-stop
		// The deadline is ignored: Background never expires, and the process exits
		// before in-flight requests are drained.
		go srv.Shutdown(context.Background())
		os.Exit(0)
	}()

	// A second listener for "debugging": DefaultServeMux again (pprof, every API route), no
	// timeouts of any kind, on all interfaces.
	go func() { _ = http.ListenAndServe(":6060", nil) }()

	if cert := os.Getenv("TLS_CERT"); cert != "" {
		log.Fatal(srv.ListenAndServeTLS(cert, os.Getenv("TLS_KEY")))
	}
	log.Fatal(srv.ListenAndServe())
}
