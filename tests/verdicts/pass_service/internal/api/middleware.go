package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter applies a token bucket per client address to the public endpoints.
type limiter struct {
	mu      sync.Mutex
	perSec  rate.Limit
	burst   int
	clients map[string]*client
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perSec float64, burst int) *limiter {
	l := &limiter{perSec: rate.Limit(perSec), burst: burst, clients: make(map[string]*client)}
	go l.evict()
	return l
}

// visitor is the token bucket of one client, created on its first request.
func (l *limiter) visitor(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.clients[key]
	if !ok {
		c = &client{lim: rate.NewLimiter(l.perSec, l.burst)}
		l.clients[key] = c
	}
	c.seen = time.Now()
	return c.lim
}

// evict forgets idle clients so the map stays bounded.
func (l *limiter) evict() {
	for range time.Tick(time.Minute) {
		l.mu.Lock()
		for k, c := range l.clients {
			if time.Since(c.seen) > 3*time.Minute {
				delete(l.clients, k)
			}
		}
		l.mu.Unlock()
	}
}

func (l *limiter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		if !l.visitor(host).Allow() {
			w.Header().Set("Retry-After", "1")
			problem(w, http.StatusTooManyRequests, "rate limit exceeded")
			return
		}
		next.ServeHTTP(w, r)
	})
}

type ctxKey struct{}

// requestID gives every request an id, echoed in the response and carried in the logs.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

func idFrom(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}
