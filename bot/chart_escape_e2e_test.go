package bot_test

import (
	"strings"
	"testing"

	"github.com/salesbot/salesbot/bot"
	"github.com/salesbot/salesbot/bot/slacktest"
)

// The chart's alt text and title carry rep and stage names: user text,
// escaped like any other, so a name cannot ping a channel from a file.
func TestDigestChartAltTextEscaped(t *testing.T) {
	eve := slacktest.User{ID: "U0EVE", Name: "<!channel> eve", RealName: "Eve"}
	h := newHarness(t, hopts{emu: withUsers(t, nil, eve), cfg: func(c *bot.Config) { c.DigestChannel = "C0DIGEST" }})
	h.mustContain(h.say("U0EVE", "/deal", "add Acme 5k"), "Logged")
	h.mustContain(h.say("U0ERIN", "/goal", "set <@U0EVE> 50k month"), "Logged")
	if err := newDigest(t, h).PostNow(h.ctx()); err != nil {
		t.Fatal(err)
	}
	h.idle()
	files := h.emu.Files()
	if len(files) == 0 {
		t.Fatal("no chart")
	}
	f := files[0]
	if strings.Contains(f.AltText, "<!channel>") || !strings.Contains(f.AltText, "&lt;!channel&gt; eve") {
		t.Fatalf("chart alt text not escaped: %q", f.AltText)
	}
	if strings.ContainsAny(f.Title, "<>") || f.Title == "" {
		t.Fatalf("chart title = %q", f.Title)
	}
	h.noInvalid()
}
