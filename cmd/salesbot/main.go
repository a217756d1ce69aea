// Command salesbot is the Slack sales assistant: the bot, the local demo
// and the operator's CLI. This package holds the subcommand table and one
// file per subcommand (flags and printing); the wiring is in package app,
// the playground in package demo, file mapping in package transfer.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	// Every IANA zone inside the binary (about 450 KB): users' Slack zones
	// and SALESBOT_TIMEZONE must load in a minimal container (scratch,
	// distroless) with no /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/demo"
)

type subcommand func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

var subcommands = map[string]subcommand{
	"run": RunCmd, "demo": demo.Main, "import": ImportCmd, "export": ExportCmd, "report": ReportCmd, "forecast": ForecastCmd,
	"digest": DigestCmd, "backup": BackupCmd, "seed": SeedCmd,
	"check": CheckCmd,
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
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-' || IsHelp(args[0])) {
		name, args = args[0], args[1:]
	}
	if IsHelp(name) {
		if len(args) == 1 && subcommands[args[0]] != nil {
			return subcommands[args[0]](ctx, []string{"-h"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, Usage)
		return ExitOK
	}
	if cmd := subcommands[name]; cmd != nil {
		return cmd(ctx, args, stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "salesbot: unknown command %q\n\n%s", name, Usage)
	return ExitUsage
}
