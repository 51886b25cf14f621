package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestDxsetup(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"simulator", nil, 0, []string{
			"embedded simulator",
			`Tags ready: "Privacy Erasure Requested" (id 1), "Privacy Erasure Completed" (id 2)`,
			`Scheduler "Privacy Erasure Processor": repetitive, interval "0 0 * * *" (UTC), data set Messages, active true`,
			`job 1: "Privacy Erase Content", action delete-message-content, reason GDPR`,
			`job 2: "Privacy Erase Name", action delete-author-name, reason GDPR`,
			`job 3: "Privacy Tag Completed", action add-tag, tag "Privacy Erasure Completed"`,
			"2026-03-02T00:00:00Z\n    2026-03-03T00:00:00Z\n    2026-03-04T00:00:00Z",
			"Automation Schedulers",
		}},
		{"offline in a time zone", []string{"-offline", "-tz", "Europe/London", "-interval", "30 6 * * *"}, 0, []string{
			`interval "30 6 * * *" (Europe/London)`,
			"2026-03-01T06:30:00Z",
		}},
		{"seconds field", []string{"-offline", "-interval", "0 0 0 * * *"}, 2, []string{"seconds", "0 0 * * *"}},
		{"unknown zone", []string{"-offline", "-tz", "Mars/Olympus"}, 2, []string{"unknown time zone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr, func(string) string { return "" }, from)
			if code != tt.wantCode {
				t.Errorf("exit status = %d, want %d; stderr:\n%s", code, tt.wantCode, stderr.String())
			}
			out := stdout.String() + stderr.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "-offline") && strings.Contains(out, "Tags ready") {
				t.Error("an offline run connected")
			}
		})
	}
}
