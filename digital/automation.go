package digital

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Action is what a DFO automation job does to each item of its data set.
type Action string

// The job actions the procedure uses.
const (
	ActionDeleteContent    Action = "delete-message-content" // UI: "Delete content of a message"
	ActionDeleteAuthorName Action = "delete-author-name"     // UI: "Delete author's name of a message"
	ActionAddTag           Action = "add-tag"                // UI: "Add tag"
)

// Job is a DFO automation job (ACD → Digital → Automation Jobs). No public
// API creates one; [Runner] carries jobs out through the public endpoints.
type Job struct {
	Name   string
	Action Action
	// Reason is the removal reason of the delete actions.
	Reason Reason
	// Tag is the title of the tag the add-tag action puts on.
	Tag string
}

// Validate reports what is wrong with the job, naming the field.
func (j Job) Validate() error {
	var errs []error
	if strings.TrimSpace(j.Name) == "" {
		errs = append(errs, &ConfigError{Field: "job.name", Msg: "is empty"})
	}
	switch j.Action {
	case ActionDeleteContent, ActionDeleteAuthorName:
		if !j.Reason.Valid() {
			errs = append(errs, &ConfigError{Field: "job.reason", Msg: "must be GDPR, TTL or other"})
		}
	case ActionAddTag:
		if strings.TrimSpace(j.Tag) == "" {
			errs = append(errs, &ConfigError{Field: "job.tag", Msg: "is empty; an add-tag job needs a tag"})
		}
	default:
		errs = append(errs, &ConfigError{Field: "job.action", Msg: "must be delete-message-content, delete-author-name or add-tag"})
	}
	return errors.Join(errs...)
}

// SchedulerType says whether a scheduler repeats.
type SchedulerType string

// Scheduler types.
const (
	Repetitive SchedulerType = "repetitive"
	OneTime    SchedulerType = "one-time"
)

// DataSet is what a scheduler's jobs act on.
type DataSet string

// Scheduler data sets.
const (
	DataSetCases    DataSet = "Cases"
	DataSetMessages DataSet = "Messages"
	DataSetEndUser  DataSet = "End User"
)

// Scheduler is a DFO automation scheduler (ACD → Digital → Automation
// Schedulers): when to run which jobs on which items.
type Scheduler struct {
	Name string
	Type SchedulerType
	// Interval is a standard 5-field crontab expression: minute hour
	// day-of-month month day-of-week.
	Interval string
	// Location is the time zone the interval is read in; nil means UTC.
	Location    *time.Location
	DataSet     DataSet
	IncludeTags []string // tag titles an item must carry
	ExcludeTags []string // tag titles an item must not carry
	Jobs        []Job    // run in this order
	Active      bool
}

// ConfigError is one thing wrong with a job or scheduler. Field names it.
type ConfigError struct {
	Field string
	Msg   string
}

func (e *ConfigError) Error() string { return "digital: " + e.Field + " " + e.Msg }

// Validate reports everything wrong with the scheduler (errors.Join of
// [*ConfigError]), including its jobs and its interval.
func (s Scheduler) Validate() error {
	var errs []error
	add := func(field, msg string) { errs = append(errs, &ConfigError{Field: field, Msg: msg}) }
	if strings.TrimSpace(s.Name) == "" {
		add("scheduler.name", "is empty")
	}
	if s.Type != Repetitive && s.Type != OneTime {
		add("scheduler.type", "must be repetitive or one-time")
	}
	if _, err := ParseInterval(s.Interval); err != nil {
		errs = append(errs, err)
	}
	if s.DataSet != DataSetCases && s.DataSet != DataSetMessages && s.DataSet != DataSetEndUser {
		add("scheduler.dataSet", "must be Cases, Messages or End User")
	}
	if len(s.IncludeTags) == 0 {
		// Without an include condition the jobs would erase every item
		// of the tenant.
		add("scheduler.includeTags", "is empty; the jobs would act on every item")
	}
	for _, t := range s.IncludeTags {
		if slices.ContainsFunc(s.ExcludeTags, func(x string) bool { return strings.EqualFold(x, t) }) {
			add("scheduler.excludeTags", "holds a tag that is also included")
		}
	}
	if len(s.Jobs) == 0 {
		add("scheduler.jobs", "is empty")
	}
	lastDelete := -1
	for i, j := range s.Jobs {
		if err := j.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("job %d: %w", i+1, err))
		}
		if j.Action == ActionDeleteContent || j.Action == ActionDeleteAuthorName {
			lastDelete = i
		}
	}
	for i, j := range s.Jobs {
		if j.Action == ActionAddTag && i < lastDelete && slices.ContainsFunc(s.ExcludeTags, func(x string) bool { return strings.EqualFold(x, j.Tag) }) {
			// Marking an item done before erasing it would make a crash
			// in between lose the erasure for good.
			add("scheduler.jobs", fmt.Sprintf("job %d adds an excluded tag before a delete job; put it last", i+1))
		}
	}
	return errors.Join(errs...)
}

// NextRuns validates the interval and returns its next n run times after
// from, in the scheduler's time zone.
func (s Scheduler) NextRuns(from time.Time, n int) ([]time.Time, error) {
	iv, err := ParseInterval(s.Interval)
	if err != nil {
		return nil, err
	}
	return iv.Next(from.In(s.location()), n), nil
}

func (s Scheduler) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// Interval is a parsed standard 5-field cron expression.
type Interval struct {
	expr  string
	sched cron.Schedule
}

// String is the expression.
func (iv Interval) String() string { return iv.expr }

// Next returns the next n activation times strictly after from, in from's
// time zone.
func (iv Interval) Next(from time.Time, n int) []time.Time {
	out := make([]time.Time, 0, max(n, 0))
	t := from
	for range n {
		t = iv.sched.Next(t)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out
}

// fiveField is the standard crontab parser: no seconds field, no
// descriptors (@daily), never the seconds-optional parser.
var fiveField = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// IntervalError is why a cron interval was refused. Suggestion, when set, is
// the 5-field expression the input most likely meant.
type IntervalError struct {
	Msg        string
	Suggestion string
}

func (e *IntervalError) Error() string {
	s := "digital: scheduler.interval " + e.Msg
	if e.Suggestion != "" {
		s += fmt.Sprintf("; use the 5-field form %q", e.Suggestion)
	}
	return s
}

// ParseInterval validates a DFO scheduler interval: a standard 5-field
// crontab expression (minute hour day-of-month month day-of-week). A 6- or
// 7-field Quartz-style expression (seconds first, '?' or a year) is refused
// with an error that says so and suggests the 5-field form.
func ParseInterval(expr string) (Interval, error) {
	fields := strings.Fields(expr)
	switch {
	case len(fields) == 0:
		return Interval{}, &IntervalError{Msg: "is empty; expected 5 fields: minute hour day-of-month month day-of-week"}
	case strings.HasPrefix(fields[0], "@"):
		return Interval{}, &IntervalError{Msg: "is a descriptor (@…); DFO takes 5 fields: minute hour day-of-month month day-of-week",
			Suggestion: descriptorSuggestion(fields[0])}
	case strings.HasPrefix(fields[0], "TZ=") || strings.HasPrefix(fields[0], "CRON_TZ="):
		return Interval{}, &IntervalError{Msg: "holds a time zone prefix; set the scheduler's time zone instead",
			Suggestion: suggest(strings.Join(fields[1:], " "))}
	case len(fields) == 6 || len(fields) == 7:
		what := "6 fields: the first is a seconds field (Quartz style)"
		if len(fields) == 7 {
			what = "7 fields: a seconds field first and a year last (Quartz style)"
		}
		core := fields[1:6]
		return Interval{}, &IntervalError{Msg: "has " + what + "; DFO takes 5 fields without seconds",
			Suggestion: suggest(strings.ReplaceAll(strings.Join(core, " "), "?", "*"))}
	case len(fields) != 5:
		return Interval{}, &IntervalError{Msg: fmt.Sprintf("has %d fields; expected 5: minute hour day-of-month month day-of-week", len(fields))}
	}
	if strings.Contains(expr, "?") {
		return Interval{}, &IntervalError{Msg: "uses '?' (Quartz style); standard cron writes '*'",
			Suggestion: suggest(strings.ReplaceAll(strings.Join(fields, " "), "?", "*"))}
	}
	for i, f := range fields {
		if isQuartzDay(f) {
			return Interval{}, &IntervalError{Msg: fmt.Sprintf("field %d (%s) uses Quartz's L, W or #, which standard cron lacks", i+1, fieldNames[i])}
		}
	}
	sched, err := fiveField.Parse(strings.Join(fields, " "))
	if err != nil {
		return Interval{}, &IntervalError{Msg: "is not a valid 5-field cron expression: " + err.Error()}
	}
	// A date that no year has (30 February, 31 April) parses but never
	// comes; cron gives up looking after five years, which from a leap
	// year's start covers every date that exists.
	if sched.Next(neverCheckFrom).IsZero() {
		return Interval{}, &IntervalError{Msg: "names a day that never comes (such as 30 February), so the scheduler would never run"}
	}
	return Interval{expr: strings.Join(fields, " "), sched: sched}, nil
}

// neverCheckFrom is where ParseInterval looks for a first run.
var neverCheckFrom = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// suggest returns s if it is a valid interval, else "": a suggestion must
// never be refused in turn.
func suggest(s string) string {
	if _, err := ParseInterval(s); err != nil {
		return ""
	}
	return s
}

var fieldNames = [5]string{"minute", "hour", "day-of-month", "month", "day-of-week"}

func descriptorSuggestion(d string) string {
	switch strings.ToLower(d) {
	case "@yearly", "@annually":
		return "0 0 1 1 *"
	case "@monthly":
		return "0 0 1 * *"
	case "@weekly":
		return "0 0 * * 0"
	case "@daily", "@midnight":
		return "0 0 * * *"
	case "@hourly":
		return "0 * * * *"
	}
	return ""
}

// isQuartzDay spots Quartz's day specials: "L", "5L", "15W", "6#3".
func isQuartzDay(f string) bool {
	if strings.Contains(f, "#") {
		return true
	}
	t := strings.TrimLeft(f, "0123456789")
	return t == "L" || t == "W" || t == "LW"
}
