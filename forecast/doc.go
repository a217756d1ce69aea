// Package forecast is the pure forecasting engine: forecast categories, the
// projection of a period as of an instant, and its backtest. It imports
// only sales; callers build Deal histories from sales.Deal and sales.Event.
//
// The projection of period P as of T, seeing only what was known at T:
//
//  1. Won to date: the amounts of the deals won in P up to T.
//  2. Open deals: each deal open at T whose close date is in P, overdue or
//     unknown (deals dated after P are left out; deals whose date left P
//     since P began are listed as slipped) counts its amount (the mean won
//     amount when unknown) times the chance that a deal of its age still
//     open wins within the days left. That chance comes from the deals
//     created in the last year (four periods when longer): the share won by
//     each age, with deals still open counted as censored (Aalen-Johansen),
//     so deals older than most past wins count little. Stages share the
//     total by how much better the deals that reached them did (shrunk to
//     the team's rate with 20 deals of weight).
//  3. New deals: the deals created per day in the last 91 days, times the
//     mean won amount, times for each remaining day the chance that a deal
//     created then wins before P ends.
//  4. Range: the same rates replayed at the start of each of the last 12
//     past months (weeks when fewer than 4 months since the first close)
//     give a ratio actual/expected per unit, mixing conversion and
//     new-deal volume. 2,000 resampled ratios scale terms 2 and 3: the
//     median is the calibration applied to both, the 10th and 90th
//     percentiles give the 80% range and the share reaching the quota is
//     the chance of reaching it.
//  5. Too little history (fewer than 150 deals closed in the lookback or
//     fewer than 4 units): stage probability × amount of the dated open
//     deals, no new-deal term, the range from won to everything dated, and
//     a Reason saying so.
//
// What it takes: quota − projection (MoreNeeded) and quota − commit
// (CommitGap).
package forecast
