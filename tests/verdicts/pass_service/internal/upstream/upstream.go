// Package upstream calls the payments provider with a client timeout, a circuit breaker, and
// retries with exponential backoff for idempotent reads only.
package upstream

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/sony/gobreaker/v2"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
)

// Client is the payments client; one per process, its connections reused.
type Client struct {
	base    string
	http    *http.Client
	breaker *gobreaker.CircuitBreaker[*http.Response]
}

// New builds the client; timeout bounds each whole request, body included, and the provider
// must speak TLS 1.2 or later with a certificate the system trusts.
func New(base string, timeout time.Duration) *Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &Client{
		base: base,
		http: &http.Client{
			Timeout:   timeout,
			Transport: otelhttp.NewTransport(transport),
		},
		breaker: gobreaker.NewCircuitBreaker[*http.Response](gobreaker.Settings{
			Name:    "payments",
			Timeout: 30 * time.Second,
			ReadyToTrip: func(c gobreaker.Counts) bool {
				return c.Requests >= 10 && c.TotalFailures*2 >= c.Requests
			},
		}),
	}
}

// Rate is a currency rate.
type Rate struct {
	Currency string  `json:"currency"`
	Value    float64 `json:"value"`
}

// Rates is a GET, idempotent, so it is retried with capped exponential backoff.
func (c *Client) Rates(ctx context.Context) ([]Rate, error) {
	var out []Rate
	op := func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/rates", nil)
		if err != nil {
			return backoff.Permanent(err)
		}
		resp, err := c.breaker.Execute(func() (*http.Response, error) { return c.http.Do(req) })
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 500 {
			_, _ = io.Copy(io.Discard, resp.Body)
			return fmt.Errorf("payments: status %d", resp.StatusCode)
		}
		if resp.StatusCode != http.StatusOK {
			return backoff.Permanent(fmt.Errorf("payments: status %d", resp.StatusCode))
		}
		return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out)
	}
	policy := backoff.WithContext(backoff.WithMaxRetries(backoff.NewExponentialBackOff(), 3), ctx)
	return out, backoff.Retry(op, policy)
}
