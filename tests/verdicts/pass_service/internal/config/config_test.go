package config

import "testing"

func TestLoadRefusesMissingSettings(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("PAYMENTS_URL", "https://payments.example.com")
	if _, err := Load(); err == nil {
		t.Fatal("Load accepted an empty DATABASE_URL")
	}
}

func TestLoadRejectsBadDuration(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://db/orders")
	t.Setenv("PAYMENTS_URL", "https://payments.example.com")
	t.Setenv("SHUTDOWN_TIMEOUT", "soon")
	if _, err := Load(); err == nil {
		t.Fatal("Load accepted SHUTDOWN_TIMEOUT=soon")
	}
}
