// Package config reads every setting from the environment, with safe defaults, and refuses to
// start when a required one is missing or malformed.
package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Config is the whole runtime configuration.
type Config struct {
	Addr            string
	DatabaseURL     string
	UpstreamURL     string
	UpstreamTimeout time.Duration
	ShutdownTimeout time.Duration
	AllowedOrigins  []string
	TLSCertFile     string
	TLSKeyFile      string
}

// Load reads the configuration from the environment.
func Load() (Config, error) {
	cfg := Config{
		Addr:            ":8080",
		UpstreamTimeout: 5 * time.Second,
		ShutdownTimeout: 25 * time.Second,
	}
	var problems []error
	required := func(name string) string {
		v, ok := os.LookupEnv(name)
		if !ok || strings.TrimSpace(v) == "" {
			problems = append(problems, fmt.Errorf("%s is required", name))
		}
		return v
	}
	duration := func(name string, into *time.Duration) {
		if v, ok := os.LookupEnv(name); ok {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				problems = append(problems, fmt.Errorf("%s: want a positive duration, got %q", name, v))
				return
			}
			*into = d
		}
	}
	cfg.DatabaseURL = required("DATABASE_URL")
	cfg.UpstreamURL = required("PAYMENTS_URL")
	if v, ok := os.LookupEnv("ADDR"); ok {
		cfg.Addr = v
	}
	duration("PAYMENTS_TIMEOUT", &cfg.UpstreamTimeout)
	duration("SHUTDOWN_TIMEOUT", &cfg.ShutdownTimeout)
	if v, ok := os.LookupEnv("ALLOWED_ORIGINS"); ok && v != "" {
		cfg.AllowedOrigins = strings.Split(v, ",")
	}
	cfg.TLSCertFile, _ = os.LookupEnv("TLS_CERT_FILE")
	cfg.TLSKeyFile, _ = os.LookupEnv("TLS_KEY_FILE")
	if (cfg.TLSCertFile == "") != (cfg.TLSKeyFile == "") {
		problems = append(problems, errors.New("TLS_CERT_FILE and TLS_KEY_FILE go together"))
	}
	return cfg, errors.Join(problems...)
}
