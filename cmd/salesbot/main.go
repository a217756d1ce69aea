// Command salesbot is the Slack sales assistant: the bot, the local demo
// and the operator's CLI. Everything but argument dispatch and signals
// lives in package app.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/salesbot/salesbot/app"
)

type subcommand func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

var subcommands = map[string]subcommand{
	"run": app.RunCmd, "demo": app.Demo, "import": app.ImportCmd, "export": app.ExportCmd, "report": app.ReportCmd,
	"digest": app.DigestCmd, "backup": app.BackupCmd, "seed": app.SeedCmd,
	"check": app.CheckCmd,
}

func main() {
	app.TuneRuntime()
	// SIGTERM and Ctrl-C cancel ctx: the bot stops taking work, drains and
	// closes the database; an import is one transaction and writes nothing.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := "run" // `salesbot` alone, or with only flags, runs the bot
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-' || app.IsHelp(args[0])) {
		name, args = args[0], args[1:]
	}
	if app.IsHelp(name) {
		if len(args) == 1 && subcommands[args[0]] != nil {
			return subcommands[args[0]](ctx, []string{"-h"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, app.Usage)
		return app.ExitOK
	}
	if cmd := subcommands[name]; cmd != nil {
		return cmd(ctx, args, stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "salesbot: unknown command %q\n\n%s", name, app.Usage)
	return app.ExitUsage
}
