// Package sales holds salesbot's domain: deals, stages, people, roles,
// territories, quotas, periods, events, the error type and the funnel
// metrics. It imports neither Slack nor the database, so every other
// package (bot, commands, digest, storage, the CLI) speaks its types.
//
// Every metric of the contract's "Metric definitions" is defined here once
// (Date, Period, Window, working days, PaceOf/Verdict, AsOf, PipelineSum,
// FunnelSum, TeamOf, DealTerritory, ComposeQuota/WinSplit/NewGoal,
// PipelineByClose/CoverageOf, StaleOf, IsOverdue, GoneQuiet, ValidateWon,
// ApplyStageChange, Currency.Abbrev). Where the contract leaves a reading
// open, this is the one taken:
//
//   - Windows are half-open [From, To) in unix seconds; a civil date is in a
//     window when its first instant in the zone is. An RFC 3339 --to T
//     ends the window at the second after T.
//   - "At the window's end" is the state after every event before To;
//     a window whose To is after now is read at now.
//   - A closed deal's close date is its civil close date (an import's
//     column, or the day in the zone it was won or lost: ApplyStageChange
//     sets it), else the day of ClosedAt in the zone.
//   - Sales cycle and stale days are whole calendar days in the zone between
//     two civil dates (DST never adds or drops one). Won deals closed before
//     their created date are left out of the cycle and counted, like those
//     without a created date.
//   - Stale is days in stage > the stage's limit (14 with limit 14 is not
//     stale); gone quiet is days since the last activity (else since
//     created) >= the quiet days ("for 14 days" is met on the 14th day).
//   - Pace is shown whenever a working day has ended, but there is no
//     verdict (PaceJustStarted) until 10% of the working days have ended.
//     Behind is pace < 0.9, ahead is pace >= 1.1, both in every view.
//   - A quota is for exactly its period: a quarter's quota is not a
//     month's, and a month read of it has no quota; the default period
//     then moves on to the quarter. Quotas of zero count as none.
//   - A territory's members are the people assigned to it; wins inside its
//     composed quota are the territory's deals owned by members with a
//     quota for the period.
//   - Short money rounds half away from zero and picks the unit after
//     rounding; millions and billions keep one decimal ($1.0M), thousands
//     drop a trailing .0 ($5k).
package sales
