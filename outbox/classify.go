package outbox

import (
	"errors"
	"net/http"
	"time"

	"github.com/slack-go/slack"
)

// Failure is how a Slack failure is treated.
type Failure int

const (
	Transient   Failure = iota // outages and 5xx: retry with backoff
	RateLimited                // wait for Retry-After
	Permanent                  // will not fix itself
	AuthRefused                // the token was refused: nothing will succeed until it is replaced
)

// authErrors are the Web API's answers for a token it will not take
// (docs.slack.dev/reference/methods/chat.postMessage, "Errors"); slack-go's
// socket mode treats the first four as fatal. missing_scope ("The token
// used is not granted the specific scope permissions required to complete
// this request", same page) is here too: the installed app lacks a scope
// manifest.yaml asks for, every post of that kind would be refused the
// same way until the app is reinstalled, and dropping them would lose them.
var authErrors = map[string]bool{"invalid_auth": true, "token_revoked": true, "account_inactive": true, "not_authed": true,
	"missing_scope": true}

// authReason names a refusal for logs and /healthz without the token.
func authReason(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && authErrors[se.Err] {
		return se.Err
	}
	return "HTTP 401"
}

// Classify decides how to treat a Slack failure: rate limits wait for
// Retry-After, outages and 5xx retry with backoff, a refused token stops
// the caller, API errors such as channel_not_found or invalid_blocks will
// not fix themselves.
func Classify(err error) (Failure, time.Duration) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return RateLimited, max(rl.RetryAfter, time.Second)
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == http.StatusUnauthorized:
			return AuthRefused, 0
		case sc.Code == http.StatusTooManyRequests:
			return RateLimited, time.Second
		case sc.Code >= 500:
			return Transient, 0
		default:
			return Permanent, 0
		}
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "ratelimited":
			return RateLimited, time.Second
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return Transient, 0
		}
		if authErrors[se.Err] {
			return AuthRefused, 0
		}
		return Permanent, 0
	}
	return Transient, 0
}
