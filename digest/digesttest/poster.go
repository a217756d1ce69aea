package digesttest

import (
	"context"
	"sync"

	"github.com/salesbot/salesbot/digest"
)

// Post is one recorded call.
type Post struct {
	Kind     string // "digest", "nudge", "summary", "forecast", "rollup", "standings"
	Key      string
	Channel  string
	Digest   *digest.Digest
	Nudge    *digest.Nudge
	Summary  *digest.NudgeSummary
	Forecast *digest.ForecastCall
	Rollup   *digest.ForecastRollup
	Standing *digest.Standings
}

// Poster records posts. Like the bot's outbox it keeps one post per key:
// a repeated key is accepted and dropped, and Dups counts those.
type Poster struct {
	mu      sync.Mutex
	posts   []Post
	keys    map[string]bool
	Dups    int
	changed chan struct{}
	// Fail, when set, is returned by the next calls instead of recording
	// (the first return value says whether to record the post anyway, as a
	// crash right after a durable enqueue would).
	Fail func(p Post) (record bool, err error)
}

// NewPoster returns an empty recording poster.
func NewPoster() *Poster { return &Poster{keys: map[string]bool{}, changed: make(chan struct{})} }

var _ digest.Poster = (*Poster)(nil)

func (p *Poster) add(post Post) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	record := true
	if p.Fail != nil {
		record, err = p.Fail(post)
	}
	if record {
		if p.keys[post.Key] {
			p.Dups++
		} else {
			p.keys[post.Key] = true
			p.posts = append(p.posts, post)
		}
		close(p.changed)
		p.changed = make(chan struct{})
	}
	return err
}

// PostDigest records a digest.
func (p *Poster) PostDigest(_ context.Context, channel string, d *digest.Digest, key string) error {
	return p.add(Post{Kind: "digest", Key: key, Channel: channel, Digest: d})
}

// SendNudge records a nudge.
func (p *Poster) SendNudge(_ context.Context, n *digest.Nudge, key string) error {
	return p.add(Post{Kind: "nudge", Key: key, Nudge: n})
}

// SendNudgeSummary records a summary.
func (p *Poster) SendNudgeSummary(_ context.Context, s *digest.NudgeSummary, key string) error {
	return p.add(Post{Kind: "summary", Key: key, Summary: s})
}

// SendForecastCall records a rep's weekly forecast call.
func (p *Poster) SendForecastCall(_ context.Context, c *digest.ForecastCall, key string) error {
	return p.add(Post{Kind: "forecast", Key: key, Forecast: c})
}

// SendForecastRollup records a manager's forecast roll-up.
func (p *Poster) SendForecastRollup(_ context.Context, r *digest.ForecastRollup, key string) error {
	return p.add(Post{Kind: "rollup", Key: key, Rollup: r})
}

// PostStandings records the weekly standings.
func (p *Poster) PostStandings(_ context.Context, channel string, s *digest.Standings, key string) error {
	return p.add(Post{Kind: "standings", Key: key, Channel: channel, Standing: s})
}

// Posts returns a copy of the distinct posts so far.
func (p *Poster) Posts() []Post {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Post(nil), p.posts...)
}

// Await blocks until at least n distinct posts of kind ("" = any) are
// recorded or ctx ends, and returns them.
func (p *Poster) Await(ctx context.Context, kind string, n int) ([]Post, error) {
	for {
		p.mu.Lock()
		var got []Post
		for _, x := range p.posts {
			if kind == "" || x.Kind == kind {
				got = append(got, x)
			}
		}
		ch := p.changed
		p.mu.Unlock()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, ctx.Err()
		case <-ch:
		}
	}
}
