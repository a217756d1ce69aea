package digest

import (
	"context"

	"github.com/salesbot/salesbot/sales"
)

// Status reports the schedules and routes as they stand now, for
// "/salesbot digest".
func (s *Service) Status(ctx context.Context) (sales.DigestStatus, error) {
	now := s.now()
	st := sales.DigestStatus{Zone: s.loc.String()}
	if s.digest != nil {
		st.Schedule, st.Next, st.Zone = s.digest.spec.text, s.digest.spec.next(now), s.digest.spec.loc.String()
		last, err := s.store.LastSlot(ctx, JobDigest)
		if err != nil {
			return sales.DigestStatus{}, err
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
		return sales.DigestStatus{}, err
	}
	for _, r := range routes {
		st.Routes = append(st.Routes, sales.DigestRoute{Kind: r.scope.Kind.String(), Name: r.scope.Name, Channel: r.channel})
	}
	return st, nil
}
