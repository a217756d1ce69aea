package sales_test

import (
	"testing"

	"github.com/salesbot/salesbot/sales"
)

func TestParseForecastCategory(t *testing.T) {
	for in, want := range map[string]sales.ForecastCategory{"commit": sales.ForecastCommit, "Best": sales.ForecastBestCase,
		"best-case": sales.ForecastBestCase, "best  case": sales.ForecastBestCase, "PIPELINE": sales.ForecastPipeline,
		"omit": sales.ForecastOmitted, "default": 0, "None": 0} {
		if got, err := sales.ParseForecastCategory(in); err != nil || got != want {
			t.Errorf("%q: got %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"maybe", "closed", ""} {
		if _, err := sales.ParseForecastCategory(bad); sales.ErrorCode(err) != sales.EINVALID {
			t.Errorf("%q: got %v, want EINVALID", bad, err)
		}
	}
	// The history's text reads back, "" being no override.
	for c := sales.ForecastCategory(0); c <= sales.ForecastOmitted; c++ {
		text := c.String()
		if c == 0 {
			text = ""
		}
		if got, ok := sales.ParseForecastText(text); !ok || got != c {
			t.Errorf("history text %q: %v %v", text, got, ok)
		}
	}
}
