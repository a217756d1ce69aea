package digest

import (
	"context"
	"time"
)

// Status is what the digest will do next and where it goes, for
// "/salesbot digest".
type Status struct {
	Schedule  string    // SALESBOT_DIGEST_SCHEDULE; "" when no digest is scheduled
	Next      time.Time // the next scheduled digest; zero when none
	Last      time.Time // the last scheduled digest posted; zero when none yet
	Nudges    string    // SALESBOT_NUDGE_SCHEDULE; "" when nudges are off
	NextNudge time.Time // the next nudge slot in the team's zone; zero when off
	Zone      string    // the schedules' zone
	Routes    []Route   // the company digest first, then territories, then manager teams
}

// Route is one digest and its channel ("" when it has none).
type Route struct {
	Scope   Scope
	Channel string
}

// Status reports the schedules and routes as they stand now.
func (s *Service) Status(ctx context.Context) (Status, error) {
	now := s.now()
	st := Status{Zone: s.loc.String()}
	if s.digest != nil {
		st.Schedule, st.Next, st.Zone = s.digest.spec.text, s.digest.spec.next(now), s.digest.spec.loc.String()
		last, err := s.store.LastSlot(ctx, JobDigest)
		if err != nil {
			return Status{}, err
		}
		if !last.IsZero() {
			st.Last = last.In(s.digest.spec.loc)
		}
	}
	if s.nudge != nil {
		st.Nudges, st.NextNudge = s.nudge.text, s.nudge.next(now)
	}
	routes, err := s.routes(ctx)
	if err != nil {
		return Status{}, err
	}
	for _, r := range routes {
		st.Routes = append(st.Routes, Route{Scope: r.scope, Channel: r.channel})
	}
	return st, nil
}
