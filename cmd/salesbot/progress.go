package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progress draws a one-line bar on a terminal for long imports and seeds.
// When stderr is a pipe or a file it draws nothing, so scripts and logs
// stay clean.
type progress struct {
	w     io.Writer
	on    bool
	label string
	total int64
	n     int64
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, label string, total int64) *progress {
	return &progress{w: w, on: isTerminal(w), label: label, total: total}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// set records progress n (of total) and redraws at most ten times a second.
func (p *progress) set(n int64) {
	if p == nil || !p.on {
		return
	}
	p.n = n
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		p.draw()
	}
}

func (p *progress) draw() {
	p.drawn = true
	fmt.Fprint(p.w, "\r"+renderBar(p.label, p.n, p.total, 30)+"\x1b[K")
}

// note shows a one-line status (for a step with no measurable progress,
// such as the single import transaction) until done.
func (p *progress) note(msg string) {
	if p == nil || !p.on {
		return
	}
	p.drawn = true
	fmt.Fprint(p.w, "\r"+msg+"\x1b[K")
}

// done clears the bar's line.
func (p *progress) done() {
	if p == nil || !p.on || !p.drawn {
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K")
}

// renderBar renders "label [█████░░░░░]  50% 5000/10000", or a bare count
// when the total is unknown.
func renderBar(label string, n, total int64, width int) string {
	if total <= 0 {
		return fmt.Sprintf("%s… %d", label, n)
	}
	n = min(max(n, 0), total)
	fill := int(n * int64(width) / total)
	return fmt.Sprintf("%s [%s%s] %3d%% %d/%d", label, strings.Repeat("█", fill), strings.Repeat("░", width-fill), n*100/total, n, total)
}
