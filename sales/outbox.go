package sales

import "time"

// OutboxItem is one post the outbox must make exactly once. storage keeps
// it and the outbox delivers it; it lives here so neither imports the
// other.
type OutboxItem struct {
	ID      uint64
	Key     string // dedupe key; enqueueing a known key is a no-op
	Kind    string // "win", "digest", "nudge", ...
	Payload []byte // JSON owned by the outbox
	Created time.Time
	Tries   int
}

// DigestStatus is what the digest scheduler will do next and where each
// digest goes ("/salesbot digest").
type DigestStatus struct {
	Schedule  string        // cron spec; "" when no digest is scheduled
	Next      time.Time     // zero when none
	Last      time.Time     // zero when none posted yet
	Nudges    string        // cron spec; "" when nudges are off
	NextNudge time.Time     // the next nudge slot in the team's zone; zero when off
	Zone      string        // the schedules' zone
	Routes    []DigestRoute // the company digest first, then territories, then manager teams
}

// DigestRoute is one digest and its channel.
type DigestRoute struct {
	Kind    string // "company", "territory" or "team"
	Name    string // raw text: a territory or a manager's name; "" for the company
	Channel string // Slack channel id; "" when it has none
}
