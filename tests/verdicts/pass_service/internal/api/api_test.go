package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func testAPI() *API {
	var ready atomic.Bool
	return New(nil, nil, slog.New(slog.NewJSONHandler(io.Discard, nil)), &ready, "test", []string{"https://shop.example.com"})
}

func TestReadinessFailsWhileShuttingDown(t *testing.T) {
	rec := httptest.NewRecorder()
	testAPI().Routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	testAPI().Routes().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	for _, h := range []string{"Strict-Transport-Security", "X-Content-Type-Options", "Content-Security-Policy"} {
		if rec.Header().Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
}

func TestOversizedBodyRejected(t *testing.T) {
	body := strings.NewReader(`{"customer":"` + strings.Repeat("x", 2<<20) + `"}`)
	req := httptest.NewRequest(http.MethodPost, "/orders", body)
	req.Header.Set("Idempotency-Key", "k1")
	rec := httptest.NewRecorder()
	testAPI().Routes().ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", rec.Code)
	}
}
