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

// OutboxProgress is how far a multi-step outbox job got: the next step to
// run and where its first post landed, so a restart neither repeats nor
// loses a step.
type OutboxProgress struct {
	Next    int    `json:"next"`
	TS      string `json:"ts,omitempty"`      // the first post's ts
	Channel string `json:"channel,omitempty"` // the first post's channel (DMs resolve to D…)
	// Posting is the in-flight marker: step Posting-1 was sent to Slack at
	// PostingAt (unix seconds) and its answer not yet recorded, so it may
	// have posted; 0 when no step is in flight.
	Posting   int   `json:"posting,omitempty"`
	PostingAt int64 `json:"posting_at,omitempty"`
	// Sharing says the in-flight step is an upload that got as far as
	// asking Slack to share its file, which Slack does after answering:
	// the file may still show in its channel.
	Sharing bool `json:"sharing,omitempty"`
}

// DigestChannels are the digest routes set from Slack ("/salesbot digest
// route"): the company digest's channel ("" for SALESBOT_DIGEST_CHANNEL),
// and a channel per manager's team and per territory.
type DigestChannels struct {
	Company     string
	Managers    map[PersonID]string
	Territories map[TerritoryID]string
}

// NudgeRecord is what one nudge said, kept for the managers' weekly
// summary.
type NudgeRecord struct {
	Person  PersonID  `json:"-"`
	Slot    time.Time `json:"-"` // the nudge schedule's slot
	At      int64     `json:"at"`
	Stale   []DealID  `json:"stale,omitempty"`
	Overdue []DealID  `json:"overdue,omitempty"`
	Behind  bool      `json:"behind,omitempty"`
	NoPipe  bool      `json:"no_pipeline,omitempty"`
	Streak  int       `json:"streak,omitempty"`
}

// ForecastCall is a rep's commit and best-case call for a period, frozen
// as submitted; the latest one per person and period is their call.
type ForecastCall struct {
	Person PersonID `json:"-"`
	Period Period   `json:"-"`
	Commit Money    `json:"commit"`
	Best   Money    `json:"best"`
	At     int64    `json:"at"` // unix seconds
}
