//go:build windows

package main

import (
	"context"
	"os"
	"os/signal"
)

// notifyContext ends ctx on Ctrl-C: Windows has no SIGTERM to deliver (developer machines only).
func notifyContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt)
}
