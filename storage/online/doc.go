// Package online hands out consistent copies of a database that another
// process holds open. The process running the bot (salesbot run, or demo
// --db) serves its database on a control socket beside the file (Serve);
// `salesbot backup`, and export, report and digest --print through a
// snapshot, fetch a copy from it (Fetch) when the file is locked.
//
// It may import storage, sales and golang.org/x/sys/unix (for the peer's
// uid); it reaches the database only through storage, never bbolt, and
// knows nothing of the CLI (app) or of Slack.
package online
