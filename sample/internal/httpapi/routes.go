// Package httpapi holds the HTTP handlers of the tides API.
package httpapi

import (
	"log/slog"
	"net/http"

	"example.com/tides/internal/store"
	"example.com/tides/internal/weather"
)

// API wires handlers to their dependencies.
type API struct {
	log     *slog.Logger
	db      *store.DB
	weather *weather.Client
}

// New returns an API ready to serve.
func New(log *slog.Logger, db *store.DB, w *weather.Client) *API {
	return &API{log: log, db: db, weather: w}
}

// Routes registers every endpoint on a fresh mux.
func (a *API) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /v1/tides/{station}", a.tides)
	mux.HandleFunc("POST /v1/stations", a.createStation)
	return mux
}
