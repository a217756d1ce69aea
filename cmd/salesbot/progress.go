package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress draws a one-line bar on a terminal for long imports and seeds,
// with schollz/progressbar (rate, count, time left). When stderr is a pipe
// or a file it draws nothing, so scripts and logs stay clean.
type progress struct {
	bar *progressbar.ProgressBar // nil when not on a terminal
}

// newProgress starts a bar for total steps (bytes when label starts with
// "reading"); total <= 0 shows a spinner with a count.
func newProgress(w io.Writer, label string, total int64) *progress {
	if !isTerminal(w) {
		return &progress{}
	}
	if total <= 0 {
		total = -1
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
	}
	if len(label) >= 7 && label[:7] == "reading" {
		opts = append(opts, progressbar.OptionShowBytes(true))
	}
	return &progress{bar: progressbar.NewOptions64(total, opts...)}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// set records progress n (of total); the library redraws at most ten
// times a second.
func (p *progress) set(n int64) {
	if p == nil || p.bar == nil {
		return
	}
	_ = p.bar.Set64(n)
}

// note shows a one-line status (for a step with no measurable progress,
// such as the single import transaction) until done.
func (p *progress) note(msg string) {
	if p == nil || p.bar == nil {
		return
	}
	p.bar.Describe(msg)
	_ = p.bar.RenderBlank()
}

// done clears the bar's line.
func (p *progress) done() {
	if p == nil || p.bar == nil {
		return
	}
	_ = p.bar.Clear()
	_ = p.bar.Exit()
}
