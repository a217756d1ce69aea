// Package commands is salesbot's command language and its handlers,
// independent of Slack: the bot, the demo and the CLI share this one code
// path.
//
// One table of forms (forms.go) drives the parser (Parse, Parser.Parse),
// the canonical writer (Cmd.String, which Parse reads back to an equal
// Cmd) and help (Help, Form.HelpTopic). Service runs parsed commands
// against a Store: it resolves the acting user, checks permission with
// sales.Authorize only, and returns a Result the bot renders as Block Kit
// and the demo as text. Every failure is a *sales.Error whose message says
// what was wrong and shows the right form; a failed command writes
// nothing.
package commands
