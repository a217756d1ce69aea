package forecast_test

import (
	"testing"

	"github.com/salesbot/salesbot/forecast"
	"github.com/salesbot/salesbot/sales"
)

func TestDefaultCategories(t *testing.T) {
	c := forecast.NewCategorizer(sales.DefaultStages())
	for _, tc := range []struct {
		stage    sales.StageID
		override forecast.Category
		want     forecast.Category
	}{
		{1, 0, forecast.Pipeline}, {2, 0, forecast.Pipeline}, {3, 0, forecast.BestCase}, {4, 0, forecast.Commit},
		{5, 0, forecast.Closed}, {6, 0, forecast.Closed},
		{1, forecast.Commit, forecast.Commit}, {4, forecast.Omitted, forecast.Omitted},
		{5, forecast.Commit, forecast.Closed}, // a closed deal stays closed
	} {
		if got := c.Of(tc.stage, tc.override); got != tc.want {
			t.Errorf("stage %d override %v: got %v, want %v", tc.stage, tc.override, got, tc.want)
		}
	}
	// Configured stages get defaults by probability order.
	ss := sales.StageSet{Stages: []sales.Stage{
		{ID: 1, Name: "Lead", Probability: 500}, {ID: 2, Name: "Demo", Probability: 3000},
		{ID: 3, Name: "Trial", Probability: 6000}, {ID: 4, Name: "Contract", Probability: 9000},
		{ID: 9, Name: "Won", Probability: 10000, Kind: sales.StageWon}, {ID: 8, Name: "Lost", Kind: sales.StageLost},
	}}
	c = forecast.NewCategorizer(ss)
	for id, want := range map[sales.StageID]forecast.Category{1: forecast.Pipeline, 2: forecast.Pipeline, 3: forecast.BestCase, 4: forecast.Commit, 9: forecast.Closed} {
		if got := c.Default(id); got != want {
			t.Errorf("configured stage %d: got %v, want %v", id, got, want)
		}
	}
	if got := forecast.NewCategorizer(mavenStages()).Default(2); got != forecast.Commit {
		t.Errorf("Engaging: got %v, want commit", got)
	}
}

func TestTotals(t *testing.T) {
	var tot forecast.Totals
	tot.ClosedWon = 100
	tot.Add(forecast.Commit, 50)
	tot.Add(forecast.BestCase, 30)
	tot.Add(forecast.Pipeline, 7)
	tot.Add(forecast.Omitted, 9)
	if tot.Commit() != 150 || tot.BestCase() != 180 || tot.OpenPipeline != 7 || tot.OpenOmitted != 9 {
		t.Fatalf("got %+v commit %d best %d", tot, tot.Commit(), tot.BestCase())
	}
}
