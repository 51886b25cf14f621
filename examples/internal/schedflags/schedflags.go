// Package schedflags reads the flags with which the example programs adjust
// the erasure procedure's scheduler: its time zone and its interval.
package schedflags

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/cxprivacy/cxone/digital"
)

// Flags are the registered flags; read them after the flag set is parsed.
type Flags struct {
	tz, interval *string
}

// Register adds -tz and -interval to fs.
func Register(fs *flag.FlagSet) *Flags {
	return &Flags{
		tz:       fs.String("tz", "UTC", "IANA time zone the scheduler's interval is read in"),
		interval: fs.String("interval", "", "the scheduler's crontab interval, 5 fields (default the procedure's 0 0 * * *)"),
	}
}

// Procedure is the preset procedure with the flags applied and its scheduler
// validated.
func (f *Flags) Procedure() (digital.Procedure, error) {
	proc := digital.Preset()
	loc, err := time.LoadLocation(*f.tz)
	if err != nil {
		return proc, errors.New("-tz: unknown time zone")
	}
	proc.Scheduler.Location = loc
	if *f.interval != "" {
		proc.Scheduler.Interval = *f.interval
	}
	if err := proc.Scheduler.Validate(); err != nil {
		return proc, fmt.Errorf("the scheduler is not valid: %w", err)
	}
	return proc, nil
}
