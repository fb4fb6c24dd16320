// Command orders serves the order API with every production practice in place: the "built to
// pass" service of golive's verdict tests.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"sync/atomic"
	"time"

	"example.com/orders/internal/api"
	"example.com/orders/internal/config"
	"example.com/orders/internal/store"
	"example.com/orders/internal/telemetry"
	"example.com/orders/internal/upstream"
)

// version is stamped at build time (-ldflags "-X main.version=...") and reported in the logs
// and by /healthz.
var version = "dev"

func main() {
	healthcheck := flag.Bool("healthcheck", false, "probe the local /healthz and exit (for HEALTHCHECK)")
	flag.Parse()
	if *healthcheck {
		os.Exit(probe())
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(logger)
	if err := run(logger); err != nil {
		logger.Error("exiting", "err", err)
		os.Exit(1)
	}
}

func run(logger *slog.Logger) error {
	cfg, err := config.Load()
	if err != nil {
		return fmt.Errorf("configuration: %w", err) // fail fast, before serving anything
	}
	logger.Info("starting", "version", version, "addr", cfg.Addr)

	ctx, stop := notifyContext(context.Background())
	defer stop()

	flush, err := telemetry.Start(ctx, "orders", version)
	if err != nil {
		return fmt.Errorf("telemetry: %w", err)
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	if err := store.Migrate(ctx, db); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}

	var ready atomic.Bool
	client := upstream.New(cfg.UpstreamURL, cfg.UpstreamTimeout)
	handler := api.New(db, client, logger, &ready, version, cfg.AllowedOrigins).Routes()

	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	debug := debugServer()

	errs := make(chan error, 2)
	go func() { errs <- serve(srv, cfg) }()
	go func() { errs <- debug.ListenAndServe() }()
	ready.Store(true)

	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err := <-errs:
		if !errors.Is(err, http.ErrServerClosed) {
			logger.Error("server failed", "err", err)
		}
	}

	// Readiness fails first so the load balancer stops sending; then drain within the deadline,
	// then close what the handlers used, then flush telemetry.
	ready.Store(false)
	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(drainCtx); err != nil {
		logger.Error("drain incomplete", "err", err)
	}
	if err := debug.Shutdown(drainCtx); err != nil {
		logger.Error("debug server", "err", err)
	}
	if err := db.Close(); err != nil {
		logger.Error("database close", "err", err)
	}
	if err := flush(drainCtx); err != nil {
		logger.Error("telemetry flush", "err", err)
	}
	return nil
}

func serve(srv *http.Server, cfg config.Config) error {
	if cfg.TLSCertFile != "" {
		return srv.ListenAndServeTLS(cfg.TLSCertFile, cfg.TLSKeyFile)
	}
	return srv.ListenAndServe()
}

// debugServer serves pprof on loopback only, on its own mux: never on the public listener.
func debugServer() *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return &http.Server{
		Addr:              "127.0.0.1:6060",
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      2 * time.Minute, // CPU profiles stream for up to 60 s
		IdleTimeout:       time.Minute,
	}
}

// probe is the container HEALTHCHECK: distroless has no shell nor curl.
func probe() int {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:8080/healthz")
	if err != nil {
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}
