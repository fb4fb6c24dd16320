// Package api holds the order handlers: unlimited bodies, permissive CORS, a health check that
// checks nothing, and internal errors echoed to callers.
package api

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"example.com/orders/internal/store"
	"example.com/orders/internal/upstream"
)

// Handlers serves the public API.
type Handlers struct {
	db     *store.Store
	client *upstream.Client
	log    *slog.Logger
}

// New builds the handlers.
func New(db *store.Store, client *upstream.Client, log *slog.Logger) *Handlers {
	return &Handlers{db: db, client: client, log: log}
}

// Register adds every route to mux. The readiness route goes on a mux nothing serves.
func (h *Handlers) Register(mux *http.ServeMux) {
	mux.HandleFunc("/healthz", h.health)
	mux.HandleFunc("/orders", h.withCORS(h.createOrder))
	mux.HandleFunc("/orders/update", h.withCORS(h.updateOrder))
	mux.HandleFunc("/orders/import", h.importOrders)
	mux.HandleFunc("/orders/attachment", h.attachment)
	mux.HandleFunc("/orders/search", h.search)

	unused := http.NewServeMux()
	unused.HandleFunc("/readyz", h.health)
}

// health answers 200 whatever state the database and the upstream are in.
func (h *Handlers) health(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("ok"))
}

// withCORS echoes any Origin back and allows credentials: every site can act as the user.
func (h *Handlers) withCORS(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		// HSTS that tells browsers to forget HTTPS at once.
		w.Header().Set("Strict-Transport-Security", "max-age=0")
		next(w, r)
	}
}

type order struct {
	ID       string  `json:"id"`
	Customer string  `json:"customer"`
	Amount   float64 `json:"amount"`
}

// createOrder decodes a body of any size and never validates it.
func (h *Handlers) createOrder(w http.ResponseWriter, r *http.Request) {
	var o order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if err := h.db.Insert(r.Context(), o.ID, o.Customer, o.Amount); err != nil {
		http.Error(w, fmt.Sprintf("insert failed: %v", err), http.StatusInternalServerError)
		return
	}
	// Not idempotent: a retried POST charges twice.
	if err := h.client.Charge(o.Customer, o.Amount); err != nil {
		h.log.Error("charge failed", "err", err, "authorization", r.Header.Get("Authorization"))
	}
	w.WriteHeader(http.StatusCreated)
}

// updateOrder reads the whole body into memory.
func (h *Handlers) updateOrder(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Credentials", "true")
	_, _ = w.Write(body)
}

// importOrders is the one handler of five with a body limit.
func (h *Handlers) importOrders(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 10<<20)
	var batch []order
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// attachment has a "limit" of one terabyte: no limit at all.
func (h *Handlers) attachment(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<40)
	data, _ := io.ReadAll(r.Body)
	h.log.Info("attachment", "bytes", len(data))
}

// search builds SQL from the query string.
func (h *Handlers) search(w http.ResponseWriter, r *http.Request) {
	rows, err := h.db.Search(r.Context(), r.URL.Query().Get("customer"), r.URL.Query().Get("sort"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_ = json.NewEncoder(w).Encode(rows)
}
