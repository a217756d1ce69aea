// Package forecast is the pure forecasting engine: forecast categories, the
// projection of a period as of an instant, and its backtest. It imports
// only sales; callers build Deal histories from sales.Deal and sales.Event.
//
// Categories: each open stage defaults by probability order (the highest
// open probability is commit, the next best case, the rest pipeline; a
// single open stage is pipeline); a per-deal override wins; won and lost
// deals are closed. commit = closed won + open commit; best case = commit
// + open best case.
//
// The projection of period P as of T sees only what was known at T (deals
// known later, and stages, amounts, close dates and outcomes after T, are
// invisible). Learn it once per period and instant, then project any
// group (a rep, a team, a territory) or every group in one pass:
//
//  1. Won to date: the amounts of the group's deals won in P up to T.
//  2. Open deals: each deal open at T whose close date is in P, overdue or
//     unknown (deals dated after P are left out; deals whose date left P
//     since P began are listed as slipped) counts its amount (the mean won
//     amount when unknown) times the chance that a deal of its age still
//     open wins within the days left. That chance comes from the deals
//     created in the last year (four periods when longer): the share won
//     by each age, with open deals counted as censored (Aalen-Johansen), so
//     a short history does not pretend slow deals never win, and deals
//     older than most past wins count little. A deal enters that count at
//     its age on the history's first close, because a sample whose closes
//     start later than its deals holds only the early deals that closed
//     late. The stages share the open total by how much better the deals
//     that reached them did (shrunk to the team's rate with 20 deals of
//     weight); a deal of unknown age counts as the median open deal.
//  3. New deals: the deals the group created per day in the last 91 days
//     (not before the first close), times the mean won amount, times for
//     each remaining day the chance that a deal created then wins before P
//     ends.
//  4. Range: the same rates replayed at the start of each of the last 12
//     past months (the last 26 weeks when fewer than 4 months have passed
//     since the first close, so one quarter of history is enough) give a
//     ratio actual/expected per unit, counting conversion and new-deal
//     volume together. Their median calibrates terms 2 and 3 (Calibration);
//     their 10th and 90th percentiles give the 80% range; the share of units
//     whose ratio would reach the quota is the chance of reaching it. A
//     group with fewer than 4 usable units of its own takes the team's.
//  5. Too little history (fewer than 150 deals closed in the lookback or
//     fewer than 4 units): stage probability × amount of the open deals
//     dated in P, no new-deal term, a range from won to everything dated
//     in P being won, and a Reason saying so.
//
// What it takes: quota − projection (MoreNeeded) and quota − commit
// (CommitGap).
//
// Backtest replays Project as of day N of each past period and compares
// with what was won in it; MedianAPE and Coverage summarise the rows.
package forecast
