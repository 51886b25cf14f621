package digital_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cxprivacy/cxone/digital"
	"github.com/google/go-cmp/cmp"
)

// Case 2: 5-field intervals pass; 6-field and Quartz '?' are refused with a
// message that says why and suggests the 5-field form.
func TestParseInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr       string
		wantErr    bool
		mention    string // the error must contain this
		suggestion string
	}{
		{expr: "0 0 * * *"},
		{expr: "*/15 * * * *"},
		{expr: "  30 6 * * 1-5 "},
		{expr: "0 0 0 * * *", wantErr: true, mention: "seconds field", suggestion: "0 0 * * *"},
		{expr: "0 0 * * ?", wantErr: true, mention: "'?'", suggestion: "0 0 * * *"},
		{expr: "0 0 12 ? * MON", wantErr: true, mention: "seconds field", suggestion: "0 12 * * MON"},
		{expr: "0 0 12 * * ? 2027", wantErr: true, mention: "year", suggestion: "0 12 * * *"},
		{expr: "@daily", wantErr: true, mention: "descriptor", suggestion: "0 0 * * *"},
		{expr: "CRON_TZ=Europe/Paris 0 0 * * *", wantErr: true, mention: "time zone", suggestion: "0 0 * * *"},
		{expr: "", wantErr: true, mention: "empty"},
		{expr: "0 0 * *", wantErr: true, mention: "has 4 fields"},
		{expr: "61 0 * * *", wantErr: true, mention: "not a valid"},
		{expr: "0 0 L * *", wantErr: true, mention: "Quartz's L"},
		{expr: "0 0 * JUL WED"},
		{expr: "0 0 29 2 *"}, // leap years only, but it comes
		{expr: "0 0 30 2 *", wantErr: true, mention: "never comes"},
		{expr: "0 0 31 4 *", wantErr: true, mention: "never comes"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			iv, err := digital.ParseInterval(tt.expr)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("ParseInterval: %v", err)
				}
				if iv.String() != strings.Join(strings.Fields(tt.expr), " ") {
					t.Errorf("String() = %q", iv.String())
				}
				return
			}
			var ie *digital.IntervalError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *IntervalError", err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
			if diff := cmp.Diff(tt.suggestion, ie.Suggestion); diff != "" {
				t.Errorf("suggestion (-want +got):\n%s", diff)
			}
			if tt.suggestion != "" {
				if !strings.Contains(err.Error(), `"`+tt.suggestion+`"`) {
					t.Errorf("error %q does not suggest %q", err, tt.suggestion)
				}
				if _, err := digital.ParseInterval(tt.suggestion); err != nil {
					t.Errorf("the suggestion itself is refused: %v", err)
				}
			}
		})
	}
	_, err := digital.ParseInterval("0 0 0 * * *")
	want := `digital: scheduler.interval has 6 fields: the first is a seconds field (Quartz style); DFO takes 5 fields without seconds; use the 5-field form "0 0 * * *"`
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("6-field message (-want +got):\n%s", diff)
	}
}

// Case 3: next runs in the scheduler's time zone.
func TestNextRuns(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	tests := []struct {
		name     string
		interval string
		loc      *time.Location
		n        int
		want     []time.Time
	}{
		{"06:30 UTC", "30 6 * * *", time.UTC, 3, []time.Time{
			time.Date(2026, 3, 1, 6, 30, 0, 0, time.UTC),
			time.Date(2026, 3, 2, 6, 30, 0, 0, time.UTC),
			time.Date(2026, 3, 3, 6, 30, 0, 0, time.UTC),
		}},
		{"02:00 daily, not hourly", "0 2 * * *", nil, 3, []time.Time{
			time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC),
		}},
		{"midnight Paris", "0 0 * * *", paris, 2, []time.Time{
			time.Date(2026, 3, 2, 0, 0, 0, 0, paris),
			time.Date(2026, 3, 3, 0, 0, 0, 0, paris),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := digital.Preset().Scheduler
			s.Interval, s.Location = tt.interval, tt.loc
			got, err := s.NextRuns(from, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("next runs (-want +got):\n%s", diff)
			}
			for _, g := range got {
				if g.Location() != s.Location && s.Location != nil {
					t.Errorf("run time not in the scheduler's zone")
				}
			}
		})
	}
	s := digital.Preset().Scheduler
	s.Interval = "0 0 0 * * *"
	if _, err := s.NextRuns(from, 1); err == nil {
		t.Error("NextRuns of a 6-field interval: no error")
	}
}

func TestPreset(t *testing.T) {
	t.Parallel()
	jobs := []digital.Job{
		{Name: "Privacy Erase Content", Action: digital.ActionDeleteContent, Reason: digital.ReasonGDPR},
		{Name: "Privacy Erase Name", Action: digital.ActionDeleteAuthorName, Reason: digital.ReasonGDPR},
		{Name: "Privacy Tag Completed", Action: digital.ActionAddTag, Tag: "Privacy Erasure Completed"},
	}
	want := digital.Procedure{
		Requested: digital.TagSpec{Title: "Privacy Erasure Requested", Color: digital.ColorYellow},
		Completed: digital.TagSpec{Title: "Privacy Erasure Completed", Color: digital.ColorGreen},
		Jobs:      jobs,
		Scheduler: digital.Scheduler{
			Name: "Privacy Erasure Processor", Type: digital.Repetitive, Interval: "0 0 * * *",
			DataSet: digital.DataSetMessages, IncludeTags: []string{"Privacy Erasure Requested"},
			ExcludeTags: []string{"Privacy Erasure Completed"}, Jobs: jobs, Active: true,
		},
	}
	got := digital.Preset()
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b *time.Location) bool { return a == b })); diff != "" {
		t.Errorf("Preset (-want +got):\n%s", diff)
	}
	if err := got.Scheduler.Validate(); err != nil {
		t.Errorf("Preset does not validate: %v", err)
	}
	got.Jobs[0].Name = "changed"
	if digital.Preset().Jobs[0].Name != "Privacy Erase Content" {
		t.Error("Preset shares state between calls")
	}
}

func TestSchedulerValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(*digital.Scheduler)
		fields []string
	}{
		{"no name", func(s *digital.Scheduler) { s.Name = " " }, []string{"scheduler.name"}},
		{"bad type", func(s *digital.Scheduler) { s.Type = "weekly" }, []string{"scheduler.type"}},
		{"seconds", func(s *digital.Scheduler) { s.Interval = "0 0 0 * * *" }, []string{"scheduler.interval"}},
		{"data set", func(s *digital.Scheduler) { s.DataSet = "Everything" }, []string{"scheduler.dataSet"}},
		{"no include", func(s *digital.Scheduler) { s.IncludeTags = nil }, []string{"scheduler.includeTags"}},
		{"include excluded", func(s *digital.Scheduler) { s.ExcludeTags = append(s.ExcludeTags, "privacy erasure requested") }, []string{"scheduler.excludeTags"}},
		{"no jobs", func(s *digital.Scheduler) { s.Jobs = nil }, []string{"scheduler.jobs"}},
		{"bad reason", func(s *digital.Scheduler) { s.Jobs[0].Reason = "gdpr" }, []string{"job.reason"}},
		{"add tag without tag", func(s *digital.Scheduler) { s.Jobs[2].Tag = "" }, []string{"job.tag"}},
		{"completed first", func(s *digital.Scheduler) { s.Jobs[0], s.Jobs[2] = s.Jobs[2], s.Jobs[0] }, []string{"scheduler.jobs"}},
		{"bad action", func(s *digital.Scheduler) { s.Jobs[1].Action = "shred" }, []string{"job.action"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := digital.Preset().Scheduler
			tt.edit(&s)
			err := s.Validate()
			var fields []string
			for _, e := range flatten(err) {
				var ce *digital.ConfigError
				var ie *digital.IntervalError
				switch {
				case errors.As(e, &ce):
					fields = append(fields, ce.Field)
				case errors.As(e, &ie):
					fields = append(fields, "scheduler.interval")
				}
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s\nerr: %v", diff, err)
			}
		})
	}
}

func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func TestManualSteps(t *testing.T) {
	t.Parallel()
	got := digital.Preset().ManualSteps()
	for _, want := range []string{
		"ACD → Digital → Automation Jobs",
		"ACD → Digital → Automation Schedulers",
		`Create job "Privacy Erase Content": action "Delete content of a message", reason GDPR.`,
		`Create job "Privacy Erase Name": action "Delete author's name of a message", reason GDPR.`,
		`Create job "Privacy Tag Completed": action "Add tag", tag "Privacy Erasure Completed".`,
		`Create scheduler "Privacy Erasure Processor", type repetitive, interval (crontab) "0 0 * * *" in time zone UTC.`,
		"Data set: Messages.",
		`Conditions: include tag "Privacy Erasure Requested"; exclude tag "Privacy Erasure Completed".`,
		`Jobs, in this order: "Privacy Erase Content", "Privacy Erase Name", "Privacy Tag Completed".`,
		"switch the scheduler to Active",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("manual steps lack %q", want)
		}
	}
}
