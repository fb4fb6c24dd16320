package httpapi

import (
	"encoding/json"
	"net/http"
)

func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	if err := a.db.Ping(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("ok\n"))
}

func (a *API) tides(w http.ResponseWriter, r *http.Request) {
	station := r.PathValue("station")
	levels, err := a.db.Levels(r.Context(), station)
	if err != nil {
		a.log.Error("levels", "station", station, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	forecast, err := a.weather.Forecast(station)
	if err != nil {
		a.log.Warn("forecast unavailable", "station", station, "err", err)
	}
	writeJSON(w, http.StatusOK, map[string]any{"station": station, "levels": levels, "forecast": forecast})
}

type newStation struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (a *API) createStation(w http.ResponseWriter, r *http.Request) {
	var in newStation
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.ID == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := a.db.AddStation(r.Context(), in.ID, in.Name); err != nil {
		a.log.Error("add station", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusCreated, in)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
