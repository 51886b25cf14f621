package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/cxprivacy/cxone/privacy"
)

// progress draws a bar on a terminal and plain lines elsewhere.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	quiet bool
	label string
	total int
	n     int
	line  string
	last  time.Time // of the last redraw
}

func newProgress(w io.Writer, total int, quiet bool) *progress {
	p := &progress{w: w, total: total, quiet: quiet, label: "Platform erasure"}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	if !quiet && !p.tty {
		fmt.Fprintf(w, "%s: %d rows\n", p.label, total)
	}
	return p
}

func (p *progress) update(s privacy.Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n = s.Total()
	p.draw(fmt.Sprintf("%d processed, %d failed, %d skipped", s.Processed, s.Failed, s.Skipped))
}

func (p *progress) phase(label string, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.label, p.total, p.n = label, total, 0
	if !p.quiet && !p.tty {
		if total > 0 {
			fmt.Fprintf(p.w, "%s: %d subjects\n", label, total)
		} else {
			fmt.Fprintf(p.w, "%s\n", label)
		}
	}
	p.draw("")
}

func (p *progress) step() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.draw("")
}

// draw redraws the bar (terminal only); callers hold mu.
func (p *progress) draw(detail string) {
	if p.quiet || !p.tty {
		return
	}
	// Redraw at most ten times a second: a large file yields thousands of
	// outcomes a second.
	if now := time.Now(); now.Sub(p.last) < 100*time.Millisecond && p.n != p.total && p.n != 0 {
		return
	} else {
		p.last = now
	}
	const width = 30
	filled := 0
	if p.total > 0 {
		filled = min(width, width*p.n/p.total)
	}
	line := fmt.Sprintf("\r%s [%s%s] %d/%d %s", p.label, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), p.n, p.total, detail)
	if p.total == 0 {
		line = "\r" + p.label + " …"
	}
	pad := ""
	if len(p.line) > len(line) {
		pad = strings.Repeat(" ", len(p.line)-len(line))
	}
	p.line = line
	fmt.Fprint(p.w, line+pad)
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && !p.quiet && p.line != "" {
		fmt.Fprintln(p.w)
		p.line = ""
	}
}
