// Package app wires salesbot together: configuration and its validation,
// the Stack (storage, outbox, digest, commands and bot built in one straight
// line), /healthz and /metrics, and runtime tuning. The CLI (cmd/salesbot)
// and the playground (demo) build on it; it imports every layer below them.
package app

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// Config is the environment of interface.md, validated.
type Config struct {
	AppToken       string   `envconfig:"SLACK_APP_TOKEN"`
	BotToken       string   `envconfig:"SLACK_BOT_TOKEN"`
	APIURL         string   `envconfig:"SLACK_API_URL" default:"https://slack.com/api/"`
	DB             string   `envconfig:"SALESBOT_DB" default:"salesbot.db"`
	Admins         []string `envconfig:"SALESBOT_ADMINS"`
	DigestChannel  string   `envconfig:"SALESBOT_DIGEST_CHANNEL"`
	WinsChannel    string   `envconfig:"SALESBOT_WINS_CHANNEL"`
	DigestSchedule string   `envconfig:"SALESBOT_DIGEST_SCHEDULE" default:"0 8 * * 1-5"`
	NudgeSchedule  string   `envconfig:"SALESBOT_NUDGE_SCHEDULE" default:"0 9 * * 1-5"`
	// ForecastSchedule is the weekly forecast call, in each rep's zone.
	ForecastSchedule string `envconfig:"SALESBOT_FORECAST_SCHEDULE" default:"0 9 * * 1"`
	// LeaderboardSchedule is the weekly standings in the wins channel; "" = off.
	LeaderboardSchedule string `envconfig:"SALESBOT_LEADERBOARD_SCHEDULE"`
	Timezone            string `envconfig:"SALESBOT_TIMEZONE" default:"UTC"`
	Currency            string `envconfig:"SALESBOT_CURRENCY" default:"USD"`
	HTTPAddr            string `envconfig:"SALESBOT_HTTP_ADDR"`

	// Derived by Validate.
	Loc *time.Location `ignored:"true"`
	Cur sales.Currency `ignored:"true"`
}

// LoadConfig reads the environment and validates everything but the
// tokens (which only `run` needs; see RequireTokens).
func LoadConfig() (Config, error) {
	var c Config
	if err := envconfig.Process("", &c); err != nil {
		return c, fmt.Errorf("configuration: %w", err)
	}
	return c, c.Validate()
}

// Validate checks every variable and fills Loc and Cur. Errors name the
// variable and say what a good value looks like.
func (c *Config) Validate() error {
	loc, err := time.LoadLocation(strings.TrimSpace(c.Timezone))
	if err != nil || strings.TrimSpace(c.Timezone) == "" {
		return fmt.Errorf("SALESBOT_TIMEZONE=%q is not an IANA time zone such as UTC or Europe/Berlin", c.Timezone)
	}
	c.Loc = loc
	cur, err := sales.LookupCurrency(c.Currency)
	if err != nil {
		return fmt.Errorf("SALESBOT_CURRENCY: %s", sales.ErrorMessage(err))
	}
	c.Cur = cur
	for name, spec := range map[string]string{"SALESBOT_DIGEST_SCHEDULE": c.DigestSchedule, "SALESBOT_NUDGE_SCHEDULE": c.NudgeSchedule,
		"SALESBOT_FORECAST_SCHEDULE": c.ForecastSchedule, "SALESBOT_LEADERBOARD_SCHEDULE": c.LeaderboardSchedule} {
		if (name == "SALESBOT_FORECAST_SCHEDULE" || name == "SALESBOT_LEADERBOARD_SCHEDULE") && strings.TrimSpace(spec) == "" {
			continue // empty turns the weekly call (or standings) off
		}
		if err := digest.CheckSpec(spec); err != nil {
			return fmt.Errorf("%s=%q is not a schedule: use 5 cron fields (\"0 8 * * 1-5\"), a descriptor (@daily, @every 10s or longer), optionally after CRON_TZ=Zone (%v)", name, spec, err)
		}
	}
	if c.APIURL == "" {
		c.APIURL = "https://slack.com/api/"
	}
	if !strings.HasPrefix(c.APIURL, "http://") && !strings.HasPrefix(c.APIURL, "https://") {
		return fmt.Errorf("SLACK_API_URL=%q must be an http(s) URL such as https://slack.com/api/", c.APIURL)
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/" // slack-go joins by concatenation
	}
	if c.HTTPAddr != "" {
		if err := checkListenAddr(c.HTTPAddr); err != nil {
			return fmt.Errorf("SALESBOT_HTTP_ADDR=%q is not a listen address such as :8080 or 127.0.0.1:8080 (%v)", c.HTTPAddr, err)
		}
	}
	if c.DB == "" {
		return fmt.Errorf("SALESBOT_DB is empty: give a file path such as salesbot.db")
	}
	for i, a := range c.Admins {
		a = strings.TrimSpace(a)
		if a == "" || strings.ContainsAny(a, " <>@") {
			return fmt.Errorf("SALESBOT_ADMINS: %q is not a Slack user ID such as U012ABCDEF", c.Admins[i])
		}
		c.Admins[i] = a
	}
	if c.DigestChannel != "" && !looksLikeChannel(c.DigestChannel) {
		return fmt.Errorf("SALESBOT_DIGEST_CHANNEL=%q is not a channel ID such as C012ABCDEF", c.DigestChannel)
	}
	if c.WinsChannel != "" && !looksLikeChannel(c.WinsChannel) {
		return fmt.Errorf("SALESBOT_WINS_CHANNEL=%q is not a channel ID such as C012ABCDEF", c.WinsChannel)
	}
	if strings.TrimSpace(c.LeaderboardSchedule) != "" && c.WinsChannel == "" {
		return fmt.Errorf("SALESBOT_LEADERBOARD_SCHEDULE is set but SALESBOT_WINS_CHANNEL is not: the weekly standings go to the wins channel")
	}
	return c.checkTokenPrefixes()
}

func looksLikeChannel(s string) bool {
	return len(s) >= 2 && strings.ContainsRune("CGD", rune(s[0])) && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == ""
}

// checkTokenPrefixes rejects tokens of the wrong kind without echoing them:
// tokens never appear in errors or logs.
func (c *Config) checkTokenPrefixes() error {
	if c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-") {
		return fmt.Errorf("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)")
	}
	if c.BotToken != "" && !strings.HasPrefix(c.BotToken, "xoxb-") {
		return fmt.Errorf("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)")
	}
	return nil
}

// RequireTokens is the check `salesbot run` adds: both tokens present.
func (c *Config) RequireTokens() error {
	for _, v := range []struct{ name, val string }{{"SLACK_APP_TOKEN", c.AppToken}, {"SLACK_BOT_TOKEN", c.BotToken}} {
		if v.val == "" {
			return fmt.Errorf("%s is not set: salesbot run needs SLACK_APP_TOKEN (xapp-…) and SLACK_BOT_TOKEN (xoxb-…); to try salesbot without Slack, run `salesbot demo`", v.name)
		}
	}
	return nil
}

// checkListenAddr accepts host:port with a numeric port (host may be
// empty, meaning every interface), so a typo fails before the database is
// opened rather than at listen time.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return nil
}
