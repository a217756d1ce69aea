// Package sales holds salesbot's domain: deals, stages, people, roles,
// territories, quotas, periods, events, the error type and the funnel
// metrics. It imports neither Slack nor the database, so every other
// package (bot, commands, digest, storage, the CLI) speaks its types.
package sales
