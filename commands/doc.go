// Package commands is salesbot's command language and its handlers,
// independent of Slack: what /deal, /goal, /pipeline, /territory and
// /salesbot mean, who may run them, and what they change.
//
// It may import only the domain (sales), the rollups (report) and the
// standard library: no Slack library, no database. It declares the Store
// it needs (service.go), which *storage.DB satisfies; the bot, and the
// demo through the bot, call it. Other packages use its value readers
// (ParseAmount, ParseDate) so amounts and dates read the same everywhere.
//
// Where things are:
//   - forms.go is the one table of command forms. Each form has its
//     syntax, help, handler, Writes (whether it changes data, which the
//     bot asks through Writes) and the permission Action that
//     sales.Authorize checks.
//   - kinds.go is the one table of value kinds (deal, amount, stage,
//     date, @user, ...): how each reads as words or as a key:value option
//     and how Cmd.String writes it back, which Parse reads to an equal Cmd.
//   - parse.go, verbs.go, options.go and args.go read text into a Cmd
//     (cmd.go); format.go writes it back; lex.go splits words and Slack
//     references; values.go reads and writes amounts, dates, periods,
//     people, channels and percentages.
//   - service.go runs commands: Handle for typed text, Run and Exec for
//     a Cmd built in code (build.go: the bot's buttons and modals). It
//     resolves the acting user, checks permission with sales.Authorize
//     only, and runs the form's handler (deal.go, goal.go, admin.go,
//     stages.go, home.go, help.go, form.go for the deal modal).
//   - result.go is the Slack-agnostic Result the bot renders.
//
// Every failure is a *sales.Error whose message says what was wrong and
// shows the right form; a failed command writes nothing.
package commands
