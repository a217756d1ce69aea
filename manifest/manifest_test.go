package manifest_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"
)

// ecmaRegexp adapts regexp2 to jsonschema: Slack's schema uses ECMAScript
// lookaheads that Go's regexp rejects.
type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

func compileECMA(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRegexp)(re), nil
}

func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/manifest.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(compileECMA)
	if err := c.AddResource("manifest.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("manifest.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// instance converts YAML to the generic JSON value the validator expects.
func instance(t *testing.T, y []byte) any {
	t.Helper()
	j, err := yaml.YAMLToJSON(y)
	if err != nil {
		t.Fatalf("manifest.yaml is not valid YAML: %v", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func readManifest(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestManifestMatchesSlackSchema(t *testing.T) {
	if err := schema(t).Validate(instance(t, readManifest(t))); err != nil {
		t.Fatalf("manifest.yaml does not validate against Slack's schema:\n%v", err)
	}
}

// TestSchemaRejectsBadManifests proves the validator is really checking:
// each mutation of a valid manifest must fail.
func TestSchemaRejectsBadManifests(t *testing.T) {
	sch := schema(t)
	for _, tc := range []struct{ name, yaml string }{
		{"missing display_information", "features: {}\n"},
		{"name too long", "display_information: {name: " + strings.Repeat("x", 36) + "}\n"},
		{"command without slash", "display_information: {name: x}\nfeatures: {slash_commands: [{command: deal, description: d}]}\n"},
		{"unknown top-level key", "display_information: {name: x}\nbogus: 1\n"},
		{"interactivity without is_enabled", "display_information: {name: x}\nsettings: {interactivity: {}}\n"},
		{"bad unfurl domain (lookahead pattern)", "display_information: {name: x}\nfeatures: {unfurl_domains: [.example.com]}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := sch.Validate(instance(t, []byte(tc.yaml))); err == nil {
				t.Fatalf("schema accepted an invalid manifest:\n%s", tc.yaml)
			}
		})
	}
}

// manifest is the part of the manifest the bot depends on.
type manifest struct {
	Features struct {
		AppHome struct {
			HomeTab bool `json:"home_tab_enabled"`
		} `json:"app_home"`
		SlashCommands []struct {
			Command      string `json:"command"`
			Description  string `json:"description"`
			UsageHint    string `json:"usage_hint"`
			ShouldEscape bool   `json:"should_escape"`
			URL          string `json:"url"`
		} `json:"slash_commands"`
	} `json:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `json:"bot"`
		} `json:"scopes"`
	} `json:"oauth_config"`
	Settings struct {
		Events struct {
			BotEvents  []string `json:"bot_events"`
			RequestURL string   `json:"request_url"`
		} `json:"event_subscriptions"`
		Interactivity struct {
			Enabled    bool   `json:"is_enabled"`
			RequestURL string `json:"request_url"`
		} `json:"interactivity"`
		SocketMode bool `json:"socket_mode_enabled"`
	} `json:"settings"`
}

func TestManifestDeclaresWhatTheBotUses(t *testing.T) {
	j, err := yaml.YAMLToJSON(readManifest(t))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Settings.SocketMode {
		t.Error("socket_mode_enabled must be true: salesbot connects over Socket Mode")
	}
	if !m.Settings.Interactivity.Enabled {
		t.Error("interactivity must be enabled: deal buttons and the deal modal need it")
	}
	if m.Settings.Interactivity.RequestURL != "" || m.Settings.Events.RequestURL != "" {
		t.Error("request URLs must be absent in socket mode")
	}
	if !m.Features.AppHome.HomeTab {
		t.Error("home_tab_enabled must be true: the App Home shows quota and deals")
	}
	for _, ev := range []string{"app_home_opened", "app_mention"} {
		if !slices.Contains(m.Settings.Events.BotEvents, ev) {
			t.Errorf("bot_events lacks %s", ev)
		}
	}
	want := []string{"/deal", "/goal", "/pipeline", "/forecast", "/leaderboard", "/territory", "/salesbot"}
	var got []string
	for _, c := range m.Features.SlashCommands {
		got = append(got, c.Command)
		if !c.ShouldEscape {
			t.Errorf("%s: should_escape must be true so mentions arrive as <@U…> ids", c.Command)
		}
		if c.Description == "" || c.UsageHint == "" {
			t.Errorf("%s: needs a description and a usage hint", c.Command)
		}
		if c.URL != "" {
			t.Errorf("%s: no url in socket mode", c.Command)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("slash commands = %v, want %v", got, want)
	}
	// Minimal scopes: exactly what the features use. Adding one is a
	// deliberate change to this list.
	scopes := []string{"commands", "chat:write", "im:write", "users:read", "users:read.email", "files:write", "reactions:write",
		"app_mentions:read", "channels:history", "groups:history", "im:history", "channels:read", "groups:read"}
	if !slices.Equal(m.OAuth.Scopes.Bot, scopes) {
		t.Errorf("bot scopes = %v, want %v", m.OAuth.Scopes.Bot, scopes)
	}
}
