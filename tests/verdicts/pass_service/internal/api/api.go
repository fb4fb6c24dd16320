// Package api serves the order API: bounded bodies, validated input, an origin allow-list,
// security headers, per-client rate limits, request ids, and health that tells the truth.
package api

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"example.com/orders/internal/store"
	"example.com/orders/internal/upstream"
)

// maxBody bounds every request body; the largest legitimate one (an import batch) is 1 MiB.
const maxBody = 1 << 20

// API holds what the handlers need.
type API struct {
	db      *sql.DB
	client  *upstream.Client
	log     *slog.Logger
	ready   *atomic.Bool
	version string
	origins []string
	limits  *limiter
}

// New builds the API; ready turns false when shutdown starts, failing readiness first.
func New(db *sql.DB, client *upstream.Client, log *slog.Logger, ready *atomic.Bool, version string, origins []string) *API {
	return &API{db: db, client: client, log: log, ready: ready, version: version, origins: origins, limits: newLimiter(10, 20)}
}

// Routes is the whole handler chain of the public listener.
func (a *API) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.live)
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /metrics", promhttp.Handler())
	mux.Handle("POST /orders", a.limits.middleware(http.HandlerFunc(a.createOrder)))
	mux.Handle("GET /orders/{id}", a.limits.middleware(http.HandlerFunc(a.getOrder)))

	c := cors.New(cors.Options{
		AllowOriginFunc:  a.allowedOrigin, // the configured list; none configured allows none
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowCredentials: false,
	})
	var h http.Handler = mux
	h = http.MaxBytesHandler(h, maxBody)
	h = c.Handler(h)
	h = securityHeaders(h)
	h = requestID(h)
	return otelhttp.NewHandler(h, "orders")
}

// securityHeaders sets the response headers every API response needs.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// live is the liveness probe: cheap, no dependency checked, the build version in the body.
func (a *API) live(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": a.version})
}

// readyz fails while shutting down and when the database does not answer within a second.
func (a *API) readyz(w http.ResponseWriter, r *http.Request) {
	if !a.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := a.db.PingContext(ctx); err != nil {
		a.log.WarnContext(ctx, "readiness: database", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (a *API) createOrder(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	var in store.Order
	if err := dec.Decode(&in); err != nil {
		problem(w, http.StatusBadRequest, "malformed order")
		return
	}
	if err := in.Validate(); err != nil {
		problem(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		problem(w, http.StatusBadRequest, "Idempotency-Key header is required")
		return
	}
	created, err := store.CreateOrder(r.Context(), a.db, key, in)
	if err != nil {
		a.log.ErrorContext(r.Context(), "create order", "err", err, "request_id", idFrom(r.Context()))
		problem(w, http.StatusInternalServerError, "internal error")
		return
	}
	writeJSON(w, http.StatusCreated, created)
}

func (a *API) getOrder(w http.ResponseWriter, r *http.Request) {
	o, err := store.GetOrder(r.Context(), a.db, r.PathValue("id"))
	if errors.Is(err, sql.ErrNoRows) {
		problem(w, http.StatusNotFound, "no such order")
		return
	}
	if err != nil {
		a.log.ErrorContext(r.Context(), "get order", "err", err, "request_id", idFrom(r.Context()))
		problem(w, http.StatusInternalServerError, "internal error")
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// problem answers with an RFC 9457 body that never carries internal details.
func problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "title": http.StatusText(status), "detail": detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// allowedOrigin checks an Origin against the configured list. rs/cors reads an empty
// AllowedOrigins as every origin, so the list is checked here instead.
func (a *API) allowedOrigin(origin string) bool {
	for _, o := range a.origins {
		if o == origin {
			return true
		}
	}
	return false
}
