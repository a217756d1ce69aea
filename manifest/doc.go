// Package manifest holds repository-level checks with no runtime code:
// the Slack app manifest (../manifest.yaml) validates against Slack's
// published JSON schema and declares what the bot relies on, and the
// README lists every command form, environment variable and subcommand.
//
// It has tests only and imports nothing at run time.
package manifest
