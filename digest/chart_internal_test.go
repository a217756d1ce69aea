package digest

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/sales"
	"gonum.org/v1/plot"
)

// A digest whose every value is 0 (open deals with no amounts, nothing
// won, no quotas) still draws axes from 0 up: no "$-1 … $1".
func TestChartOfZerosHasNoNegativeAxis(t *testing.T) {
	d := &Digest{Currency: sales.DefaultCurrency, Stages: []StageLine{{Name: "Prospecting", Count: 3}, {Name: "Qualified"}}}
	funnel, reps, _, err := chartPlots(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*plot.Plot{funnel, reps} {
		if p.X.Min != 0 || p.X.Max <= 0 {
			t.Errorf("%s: x axis %v … %v", p.Title.Text, p.X.Min, p.X.Max)
		}
		for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
			if strings.Contains(tk.Label, "-") {
				t.Errorf("%s: tick %q", p.Title.Text, tk.Label)
			}
		}
	}
	if !strings.Contains(funnel.Title.Text, "nothing open or won yet") {
		t.Errorf("funnel title %q does not say it is empty", funnel.Title.Text)
	}
	if _, _, err := Chart(d); err != nil {
		t.Fatal(err)
	}
}
