// Package weather fetches forecasts from the upstream weather service.
package weather

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// Client talks to the weather service.
type Client struct{ base string }

// NewClient returns a client for the service at base.
func NewClient(base string) *Client { return &Client{base: base} }

// Forecast returns the next hours' forecast for a station.
func (c *Client) Forecast(station string) (map[string]any, error) {
	// http.Get uses http.DefaultClient, which has no timeout: a slow upstream hangs this handler.
	resp, err := http.Get(c.base + "/forecast?station=" + url.QueryEscape(station))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("weather: %s", resp.Status)
	}
	var out map[string]any
	return out, json.NewDecoder(resp.Body).Decode(&out)
}
