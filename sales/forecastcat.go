package sales

import "strings"

// ForecastCategory is a deal's forecast category. Contract: "forecast
// categories, per open deal: pipeline, best case, commit, omitted (closed
// deals: closed). Default by stage ..., overridden per deal." On a Deal
// the zero value means "no override: the stage's default".
type ForecastCategory uint8

const (
	ForecastPipeline ForecastCategory = iota + 1
	ForecastBestCase
	ForecastCommit
	ForecastOmitted
	ForecastClosed // won or lost deals; never an override
)

var forecastNames = [...]string{"", "pipeline", "best case", "commit", "omitted", "closed"}

func (c ForecastCategory) String() string {
	if int(c) < len(forecastNames) && c != 0 {
		return forecastNames[c]
	}
	return "default"
}

// ForecastCategoryForms is the help text for an override.
const ForecastCategoryForms = "pipeline, best (best case), commit, omitted, or default (the stage's)"

// ParseForecastCategory reads an override as typed by a user ("commit",
// "best", "best case", "best-case", "pipeline", "omit", "omitted";
// "default" or "none" clear it), case-insensitively.
func ParseForecastCategory(s string) (ForecastCategory, error) {
	switch strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "-", " "))), " ") {
	case "pipeline", "pipe":
		return ForecastPipeline, nil
	case "best", "best case", "bestcase", "upside":
		return ForecastBestCase, nil
	case "commit", "committed":
		return ForecastCommit, nil
	case "omit", "omitted":
		return ForecastOmitted, nil
	case "default", "none", "stage":
		return 0, nil
	}
	return 0, Errorf(EINVALID, "forecast category %q is not valid: use %s", strings.TrimSpace(s), ForecastCategoryForms)
}

// ParseForecastText reads a category as the history stores it
// (ForecastCategory.String, "" for no override).
func ParseForecastText(s string) (ForecastCategory, bool) {
	if s == "" || s == "default" {
		return 0, true
	}
	for i, n := range forecastNames {
		if i > 0 && n == s {
			return ForecastCategory(i), true
		}
	}
	return 0, false
}
