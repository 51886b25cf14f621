package digital

import (
	"context"
	"fmt"
	"strings"
)

// Titles of the procedure's tags, jobs and scheduler.
const (
	TagRequested     = "Privacy Erasure Requested"
	TagCompleted     = "Privacy Erasure Completed"
	JobEraseContent  = "Privacy Erase Content"
	JobEraseName     = "Privacy Erase Name"
	JobTagCompleted  = "Privacy Tag Completed"
	SchedulerErasure = "Privacy Erasure Processor"
)

// TagSpec is a tag to ensure: its title and the colour it gets if created.
type TagSpec struct {
	Title string
	Color Color
}

// Procedure is the DFO configuration of the GDPR erasure procedure: two tags,
// three jobs and one scheduler.
type Procedure struct {
	Requested TagSpec
	Completed TagSpec
	Jobs      []Job
	Scheduler Scheduler
}

// Preset returns exactly the procedure's configuration: tags "Privacy
// Erasure Requested" and "Privacy Erasure Completed"; jobs "Privacy Erase
// Content" (delete message content, GDPR), "Privacy Erase Name" (delete
// author's name, GDPR) and "Privacy Tag Completed" (add the completed tag);
// scheduler "Privacy Erasure Processor": repetitive, "0 0 * * *" (daily at
// midnight, UTC), data set Messages, including the requested tag, excluding
// the completed tag, the three jobs in that order, active. Each call returns
// fresh slices.
func Preset() Procedure {
	jobs := func() []Job {
		return []Job{
			{Name: JobEraseContent, Action: ActionDeleteContent, Reason: ReasonGDPR},
			{Name: JobEraseName, Action: ActionDeleteAuthorName, Reason: ReasonGDPR},
			{Name: JobTagCompleted, Action: ActionAddTag, Tag: TagCompleted},
		}
	}
	return Procedure{
		Requested: TagSpec{Title: TagRequested, Color: ColorYellow},
		Completed: TagSpec{Title: TagCompleted, Color: ColorGreen},
		Jobs:      jobs(),
		Scheduler: Scheduler{
			Name:        SchedulerErasure,
			Type:        Repetitive,
			Interval:    "0 0 * * *",
			DataSet:     DataSetMessages,
			IncludeTags: []string{TagRequested},
			ExcludeTags: []string{TagCompleted},
			Jobs:        jobs(),
			Active:      true,
		},
	}
}

// EnsureTags ensures the procedure's two tags exist and returns them.
func (p Procedure) EnsureTags(ctx context.Context, c *Client) (requested, completed *Tag, err error) {
	if requested, err = c.Tags.Ensure(ctx, p.Requested.Title, p.Requested.Color); err != nil {
		return nil, nil, err
	}
	if completed, err = c.Tags.Ensure(ctx, p.Completed.Title, p.Completed.Color); err != nil {
		return nil, nil, err
	}
	return requested, completed, nil
}

// ManualSteps renders, as plain text, the steps an administrator follows to
// configure the procedure in the CXone UI, for tenants that prefer DFO's
// native scheduler to [Runner].
func (p Procedure) ManualSteps() string {
	var b strings.Builder
	s := p.Scheduler
	n := 0
	step := func(format string, a ...any) {
		n++
		fmt.Fprintf(&b, "%d. "+format+"\n", append([]any{n}, a...)...)
	}
	b.WriteString("Configure the GDPR erasure in Digital Experience (CXone UI)\n\n")
	step("Create the tags %q and %q in the Digital Experience tag settings, and make sure both are Active (EnsureTags of this SDK creates them too).", p.Requested.Title, p.Completed.Title)
	b.WriteString("\nAutomation jobs (ACD → Digital → Automation Jobs):\n")
	for _, j := range p.Jobs {
		switch j.Action {
		case ActionDeleteContent:
			step("Create job %q: action \"Delete content of a message\", reason %s.", j.Name, j.Reason)
		case ActionDeleteAuthorName:
			step("Create job %q: action \"Delete author's name of a message\", reason %s.", j.Name, j.Reason)
		case ActionAddTag:
			step("Create job %q: action \"Add tag\", tag %q.", j.Name, j.Tag)
		default:
			step("Create job %q: action %s.", j.Name, j.Action)
		}
	}
	b.WriteString("\nAutomation scheduler (ACD → Digital → Automation Schedulers):\n")
	tz := s.location().String()
	step("Create scheduler %q, type %s, interval (crontab) %q in time zone %s.", s.Name, s.Type, s.Interval, tz)
	step("Data set: %s.", s.DataSet)
	step("Conditions: include tag %s; exclude tag %s.", quoteList(s.IncludeTags), quoteList(s.ExcludeTags))
	names := make([]string, len(s.Jobs))
	for i, j := range s.Jobs {
		names[i] = fmt.Sprintf("%q", j.Name)
	}
	step("Jobs, in this order: %s.", strings.Join(names, ", "))
	if s.Active {
		step("Save, then switch the scheduler to Active.")
	} else {
		step("Save (leave the scheduler inactive).")
	}
	b.WriteString("\nA job processes up to 500 contacts at a time; a large backlog takes several runs.\n")
	return b.String()
}

func quoteList(xs []string) string {
	if len(xs) == 0 {
		return "(none)"
	}
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}
