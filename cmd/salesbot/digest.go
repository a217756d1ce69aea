package main

import (
	"context"
	"fmt"
	"io"

	"github.com/salesbot/salesbot/digest"
	"github.com/salesbot/salesbot/sales"
)

// DigestCmd is `salesbot digest --print`: the company digest as it would
// be posted now, as text, without Slack. It only reads the database.
func DigestCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newCommand("digest", stdout, stderr)
	printIt := c.fs.Bool("print", false, "print the current digest as text")
	pos, err := c.parse(args)
	if err != nil {
		return c.fail(err)
	}
	if len(pos) > 0 {
		return c.fail(usagef("unexpected argument %q", pos[0]))
	}
	if !*printIt {
		return c.fail(usagef("digest needs --print (the bot posts digests on its schedule; /salesbot digest now posts one from Slack)"))
	}
	return c.fail(runDigest(ctx, c))
}

func runDigest(ctx context.Context, c *command) (err error) {
	db, err := c.openForRead(ctx)
	if err != nil {
		return err
	}
	defer closeDB(db, &err)
	svc, err := digest.New(digest.Config{
		Store: db, Locale: sales.Locale{Loc: c.cfg.Loc, Currency: c.cfg.Cur},
		Channel: c.cfg.DigestChannel, DigestSpec: c.cfg.DigestSchedule,
	})
	if err != nil {
		return err
	}
	d, err := svc.Build(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(c.stdout, digest.Text(d))
	return err
}
