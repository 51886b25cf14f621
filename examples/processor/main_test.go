package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
)

func TestProcessorOnce(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-once"}, &stdout, &stderr, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit status = %d, want 0; stderr:\n%s", code, stderr.String())
	}
	// The demo subject has 5 interactions of 3 messages each.
	re := regexp.MustCompile(`run: 5 interactions, 5 completed, 15 messages erased, 0 already erased, 0 failures`)
	if !re.MatchString(stdout.String()) {
		t.Errorf("unexpected run report:\n%s", stdout.String())
	}
}

func TestProcessorRunStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, nil, &stdout, &stderr, func(string) string { return "" }) }()
	cancel()
	if code := <-done; code != 0 && code != 1 {
		t.Errorf("exit status = %d after cancel", code)
	}
}

func TestProcessorBadInterval(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-once", "-interval", "0 0 * * ?"},
		{"-interval", "0 0 30 2 *"}, // never comes: once a panic
		{"-once", "stray"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr, func(string) string { return "" })
		if code != 2 {
			t.Errorf("%q: exit status = %d, want 2", args, code)
		}
		if stderr.Len() == 0 {
			t.Errorf("%q: no error message", args)
		}
	}
}
