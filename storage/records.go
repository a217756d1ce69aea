package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot/salesbot/sales"
)

// Typed records kept in the settings bucket. Their key layouts live here
// only: callers speak sales types, never keys.
const (
	keyDigestChannel    = "digest.channel"
	keyManagerChannel   = "digest.channel.manager/"   // + PersonID
	keyTerritoryChannel = "digest.channel.territory/" // + TerritoryID
	keyNudgeSent        = "nudge.sent/"               // + PersonID "/" slot unix
	keyOutboxProgress   = "outbox.progress."          // + item id
	keyForecastCall     = "forecast.call/"            // + period key "/" PersonID "/" unix
)

// DigestChannels reads the digest routes set from Slack.
func (db *DB) DigestChannels(ctx context.Context) (sales.DigestChannels, error) {
	out := sales.DigestChannels{Managers: map[sales.PersonID]string{}, Territories: map[sales.TerritoryID]string{}}
	set, err := db.Settings(ctx, keyDigestChannel)
	if err != nil {
		return out, err
	}
	for k, v := range set {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		switch {
		case k == keyDigestChannel:
			out.Company = v
		case strings.HasPrefix(k, keyManagerChannel):
			if n, err := strconv.ParseUint(k[len(keyManagerChannel):], 10, 64); err == nil && n > 0 {
				out.Managers[sales.PersonID(n)] = v
			}
		case strings.HasPrefix(k, keyTerritoryChannel):
			if n, err := strconv.ParseUint(k[len(keyTerritoryChannel):], 10, 64); err == nil && n > 0 {
				out.Territories[sales.TerritoryID(n)] = v
			}
		}
	}
	return out, nil
}

// SetCompanyDigestChannel routes the company digest; "" goes back to
// SALESBOT_DIGEST_CHANNEL.
func (db *DB) SetCompanyDigestChannel(ctx context.Context, channel string) error {
	return db.SetSetting(ctx, keyDigestChannel, strings.TrimSpace(channel))
}

// SetManagerDigestChannel gives a manager's team a digest of its own in
// channel; "" stops it.
func (db *DB) SetManagerDigestChannel(ctx context.Context, manager sales.PersonID, channel string) error {
	if manager == 0 {
		return sales.Errorf(sales.EINVALID, "a team digest route needs a manager")
	}
	return db.SetSetting(ctx, keyManagerChannel+strconv.FormatUint(uint64(manager), 10), strings.TrimSpace(channel))
}

func nudgeKey(p sales.PersonID, slot time.Time) string {
	return keyNudgeSent + strconv.FormatUint(uint64(p), 10) + "/" + strconv.FormatInt(slot.Unix(), 10)
}

// RecordNudge keeps what a nudge said; one record per person and slot.
func (db *DB) RecordNudge(ctx context.Context, r sales.NudgeRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("record nudge: %w", err)
	}
	return db.SetSetting(ctx, nudgeKey(r.Person, r.Slot), string(b))
}

// NudgeRecords lists the kept nudge records; unreadable ones are skipped.
func (db *DB) NudgeRecords(ctx context.Context) ([]sales.NudgeRecord, error) {
	set, err := db.Settings(ctx, keyNudgeSent)
	if err != nil {
		return nil, err
	}
	var out []sales.NudgeRecord
	for k, v := range set {
		pid, slot, ok := strings.Cut(k[len(keyNudgeSent):], "/")
		id, err1 := strconv.ParseUint(pid, 10, 64)
		at, err2 := strconv.ParseInt(slot, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		var r sales.NudgeRecord
		if json.Unmarshal([]byte(v), &r) != nil {
			continue
		}
		r.Person, r.Slot = sales.PersonID(id), time.Unix(at, 0)
		out = append(out, r)
	}
	return out, nil
}

// DropNudgeRecord deletes one nudge record (pruning).
func (db *DB) DropNudgeRecord(ctx context.Context, r sales.NudgeRecord) error {
	return db.SetSetting(ctx, nudgeKey(r.Person, r.Slot), "")
}

func progressKey(id uint64) string { return keyOutboxProgress + strconv.FormatUint(id, 10) }

// OutboxProgress reads how far a multi-step outbox job got; the zero
// value when it has not started.
func (db *DB) OutboxProgress(ctx context.Context, item uint64) (sales.OutboxProgress, error) {
	var p sales.OutboxProgress
	s, err := db.Setting(ctx, progressKey(item))
	if err != nil || s == "" {
		return p, err
	}
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return sales.OutboxProgress{}, nil // unreadable: start over, the metadata check finds what was posted
	}
	return p, nil
}

// SetOutboxProgress records a job's progress; the zero value deletes it.
func (db *DB) SetOutboxProgress(ctx context.Context, item uint64, p sales.OutboxProgress) error {
	if p == (sales.OutboxProgress{}) {
		return db.SetSetting(ctx, progressKey(item), "")
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return db.SetSetting(ctx, progressKey(item), string(b))
}

// RecordForecastCall keeps a submitted call; earlier calls stay as they
// were (snapshots), the latest is the person's call.
func (db *DB) RecordForecastCall(ctx context.Context, c sales.ForecastCall) error {
	if c.Person == 0 || c.Period.Kind == 0 {
		return sales.Errorf(sales.EINVALID, "a forecast call needs a person and a period")
	}
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("record forecast call: %w", err)
	}
	key := keyForecastCall + c.Period.Key() + "/" + strconv.FormatUint(uint64(c.Person), 10) + "/" + strconv.FormatInt(c.At, 10)
	return db.SetSetting(ctx, key, string(b))
}

// ForecastCalls returns each person's latest call for p.
func (db *DB) ForecastCalls(ctx context.Context, p sales.Period) (map[sales.PersonID]sales.ForecastCall, error) {
	prefix := keyForecastCall + p.Key() + "/"
	set, err := db.Settings(ctx, prefix)
	if err != nil {
		return nil, err
	}
	out := map[sales.PersonID]sales.ForecastCall{}
	for k, v := range set {
		pid, _, ok := strings.Cut(k[len(prefix):], "/")
		id, err := strconv.ParseUint(pid, 10, 64)
		if !ok || err != nil {
			continue
		}
		var c sales.ForecastCall
		if json.Unmarshal([]byte(v), &c) != nil {
			continue
		}
		c.Person, c.Period = sales.PersonID(id), p
		if prev, seen := out[c.Person]; !seen || c.At > prev.At {
			out[c.Person] = c
		}
	}
	return out, nil
}
