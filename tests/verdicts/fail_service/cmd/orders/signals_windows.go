//go:build windows

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// On Windows builds only: the Linux image never compiles this file.
func init() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM)
	go func() {
		<-ch
		os.Exit(1)
	}()
}
