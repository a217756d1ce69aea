package digest

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"strings"

	"github.com/salesbot/salesbot/sales"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Chart size: wide enough for two readable panels in a Slack preview.
const (
	ChartWidthPx  = 1200
	ChartHeightPx = 600
	chartDPI      = 96
	chartReps     = 20 // at most this many rep bars: the top and bottom half
	maxAltText    = 1000
)

var (
	barBlue  = color.RGBA{R: 0x36, G: 0x7b, B: 0xd6, A: 0xff}
	barGreen = color.RGBA{R: 0x2e, G: 0xa0, B: 0x5a, A: 0xff}
	lineGrey = color.RGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
)

// Chart draws the digest's chart as a PNG: the funnel by stage (open value
// per stage, plus won this period) and attainment by rep (top and bottom
// reps when there are many). alt describes the same numbers in words.
func Chart(d *Digest) (pngData []byte, alt string, err error) {
	funnel, reps, alt, err := chartPlots(d)
	if err != nil {
		return nil, "", err
	}
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(ChartWidthPx)*vg.Inch/chartDPI, vg.Length(ChartHeightPx)*vg.Inch/chartDPI), vgimg.UseDPI(chartDPI))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadTop: vg.Points(8), PadBottom: vg.Points(8), PadLeft: vg.Points(8), PadRight: vg.Points(12), PadX: vg.Points(24)}
	cs := plot.Align([][]*plot.Plot{{funnel, reps}}, tiles, dc)
	funnel.Draw(cs[0][0])
	reps.Draw(cs[0][1])
	var buf bytes.Buffer
	// Fast compression: a flat-colour chart compresses well anyway, and the
	// default level would cost more than the rest of the chart.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img.Image()); err != nil {
		return nil, "", fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), alt, nil
}

// chartPlots builds the chart's two plots and its alt text.
func chartPlots(d *Digest) (funnel, reps *plot.Plot, alt string, err error) {
	cur := d.Currency
	unit := float64(cur.Unit())

	// Funnel: the first stage on top.
	var names []string
	var vals plotter.Values
	var altF []string
	for i := len(d.Stages) - 1; i >= 0; i-- {
		s := d.Stages[i]
		names = append(names, clip(s.Name, 16))
		vals = append(vals, float64(s.Value)/unit)
	}
	for _, s := range d.Stages {
		altF = append(altF, fmt.Sprintf("%s %d deals %s", s.Name, s.Count, cur.Abbrev(s.Value)))
	}
	names = append([]string{"Won " + d.Period.Label()}, names...)
	vals = append(plotter.Values{float64(d.Team.Progress.Won) / unit}, vals...)
	altF = append(altF, fmt.Sprintf("won %s", cur.Abbrev(d.Team.Progress.Won)))
	funnel, err = barPlot("Pipeline by stage ("+cur.Code+")", names, vals, barBlue, nil)
	if err != nil {
		return nil, nil, "", err
	}
	funnel.X.Tick.Marker = moneyTicks{cur}
	if allZero(vals) {
		funnel.Title.Text += ": nothing open or won yet"
		emptyAxis(funnel, 1, cur.Abbrev(0))
	}

	// Attainment by rep, best on top.
	var withQuota []RepLine
	for _, r := range d.Reps {
		if r.Progress.HasQuota && r.Progress.Attainment.OK {
			withQuota = append(withQuota, r)
		}
	}
	shown := withQuota
	note := ""
	if len(shown) > chartReps {
		shown = append(append([]RepLine{}, withQuota[:chartReps/2]...), withQuota[len(withQuota)-chartReps/2:]...)
		note = fmt.Sprintf(" (top and bottom %d of %d)", chartReps/2, len(withQuota))
	}
	var rn []string
	var rv plotter.Values
	var altR []string
	for i := len(shown) - 1; i >= 0; i-- {
		rn = append(rn, clip(shown[i].Name, 16))
		rv = append(rv, shown[i].Progress.Attainment.V*100)
	}
	for _, r := range shown {
		altR = append(altR, r.Name+" "+r.Progress.Attainment.Percent())
	}
	if len(shown) > 0 {
		elapsed := 100 * d.Team.Progress.Elapsed.V
		reps, err = barPlot("Attainment by rep"+note, rn, rv, barGreen, []float64{elapsed, 100})
		if err == nil {
			reps.X.Tick.Marker = percentTicks{}
			reps.X.Label.Text = fmt.Sprintf("dashed: %.0f%% of the period gone, and quota", elapsed)
		}
	} else {
		reps, err = barPlot("Attainment by rep: no quotas set", []string{"-"}, plotter.Values{0}, barGreen, nil)
		if err == nil {
			reps.X.Tick.Marker = percentTicks{}
			reps.X.Max = 100
		}
	}
	if err != nil {
		return nil, nil, "", err
	}

	alt = "Bar charts for " + d.Period.Label() + ". Left, open pipeline by stage: " + strings.Join(altF, "; ") + "."
	if len(altR) > 0 {
		alt += " Right, quota attainment by rep" + note + ": " + strings.Join(altR, ", ") + "."
	} else {
		alt += " No rep has a quota for the period."
	}
	return funnel, reps, clip(alt, maxAltText), nil
}

// barPlot is one horizontal bar chart with optional vertical marker lines.
func barPlot(title string, names []string, vals plotter.Values, c color.Color, marks []float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.BackgroundColor = color.White
	bars, err := plotter.NewBarChart(vals, vg.Points(barWidth(len(vals))))
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	bars.Horizontal = true
	bars.Color = c
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalY(names...)
	p.X.Min = 0
	for _, m := range marks {
		if m <= 0 {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: m, Y: -0.5}, {X: m, Y: float64(len(vals)) - 0.5}})
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		l.Color = lineGrey
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.X.Max = max(p.X.Max, m*1.05)
	}
	p.Add(plotter.NewGrid())
	return p, nil
}

func allZero(vals plotter.Values) bool {
	for _, v := range vals {
		if v != 0 {
			return false
		}
	}
	return true
}

// emptyAxis gives a plot of zeros an axis from 0 to max with one label at
// 0: left alone, the plotting library centres a zero range on it, and the
// axis read "$-1 … $1".
func emptyAxis(p *plot.Plot, max float64, zero string) {
	p.X.Min, p.X.Max = 0, max
	p.X.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: zero}}
}

func barWidth(n int) float64 {
	w := 400.0 / float64(max(n, 1))
	return min(max(w, 6), 28)
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// moneyTicks labels a major-unit axis the way the digest writes money
// ($250k, $1.2M) instead of plain 250000.
type moneyTicks struct{ cur sales.Currency }

func (m moneyTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = m.cur.Abbrev(sales.Money(ticks[i].Value * float64(m.cur.Unit())))
		}
	}
	return ticks
}

// percentTicks labels an axis of percentages as 50%.
type percentTicks struct{}

func (percentTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label += "%"
		}
	}
	return ticks
}
