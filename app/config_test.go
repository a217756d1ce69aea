package app_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/app"
)

func TestConfigValidate(t *testing.T) {
	ok := func() app.Config {
		return app.Config{APIURL: "https://slack.com/api", DB: "x.db", DigestSchedule: "0 8 * * 1-5", NudgeSchedule: "@every 10s", Timezone: "Europe/Berlin", Currency: "EUR"}
	}
	c := ok()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.APIURL != "https://slack.com/api/" || c.Loc.String() != "Europe/Berlin" || c.Cur.Code != "EUR" {
		t.Fatalf("derived %+v", c)
	}
	bad := []struct {
		name string
		edit func(*app.Config)
		want string
	}{
		{"timezone", func(c *app.Config) { c.Timezone = "Mars/Olympus" }, "SALESBOT_TIMEZONE"},
		{"schedule", func(c *app.Config) { c.DigestSchedule = "every morning" }, "SALESBOT_DIGEST_SCHEDULE"},
		{"bare CRON_TZ", func(c *app.Config) { c.NudgeSchedule = "CRON_TZ=UTC" }, "SALESBOT_NUDGE_SCHEDULE"},
		{"currency", func(c *app.Config) { c.Currency = "dollars" }, "SALESBOT_CURRENCY"},
		{"app token", func(c *app.Config) { c.AppToken = "xoxb-secret-123" }, "SLACK_APP_TOKEN"},
		{"bot token", func(c *app.Config) { c.BotToken = "xapp-secret-123" }, "SLACK_BOT_TOKEN"},
		{"admin", func(c *app.Config) { c.Admins = []string{"<@U1>"} }, "SALESBOT_ADMINS"},
		{"channel", func(c *app.Config) { c.WinsChannel = "#wins" }, "SALESBOT_WINS_CHANNEL"},
		{"schedule too often", func(c *app.Config) { c.DigestSchedule = "@every 1ns" }, "SALESBOT_DIGEST_SCHEDULE"},
		{"nudges too often", func(c *app.Config) { c.NudgeSchedule = "@every 9s" }, "SALESBOT_NUDGE_SCHEDULE"},
		{"forecast call schedule", func(c *app.Config) { c.ForecastSchedule = "0 9 * *" }, "SALESBOT_FORECAST_SCHEDULE"},
		{"standings schedule", func(c *app.Config) { c.LeaderboardSchedule, c.WinsChannel = "0 9 * *", "C0WINS" }, "SALESBOT_LEADERBOARD_SCHEDULE"},
		{"standings without a wins channel", func(c *app.Config) { c.LeaderboardSchedule = "0 16 * * 5" }, "SALESBOT_WINS_CHANNEL is not"},
		{"http addr", func(c *app.Config) { c.HTTPAddr = "bad" }, "SALESBOT_HTTP_ADDR"},
		{"http port", func(c *app.Config) { c.HTTPAddr = ":http-alt" }, "SALESBOT_HTTP_ADDR"},
		{"api url", func(c *app.Config) { c.APIURL = "slack.com" }, "SLACK_API_URL"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			c := ok()
			tt.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want mention of %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("token leaked: %v", err)
			}
		})
	}
	c = ok()
	if err := c.RequireTokens(); err == nil || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") || !strings.Contains(err.Error(), "salesbot demo") {
		t.Fatalf("RequireTokens: %v", err)
	}
}
