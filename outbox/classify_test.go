package outbox_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/outbox"
)

func TestClassifyRefusedToken(t *testing.T) {
	tests := []struct {
		err  error
		want outbox.Failure
	}{
		{slack.StatusCodeError{Code: http.StatusUnauthorized}, outbox.AuthRefused},
		{slack.SlackErrorResponse{Err: "invalid_auth"}, outbox.AuthRefused},
		{slack.SlackErrorResponse{Err: "token_revoked"}, outbox.AuthRefused},
		{slack.SlackErrorResponse{Err: "account_inactive"}, outbox.AuthRefused},
		{slack.SlackErrorResponse{Err: "not_authed"}, outbox.AuthRefused},
		{slack.SlackErrorResponse{Err: "missing_scope"}, outbox.AuthRefused},
		{slack.SlackErrorResponse{Err: "channel_not_found"}, outbox.Permanent},
		{slack.StatusCodeError{Code: http.StatusNotFound}, outbox.Permanent},
		{slack.StatusCodeError{Code: http.StatusBadGateway}, outbox.Transient},
		{&slack.RateLimitedError{RetryAfter: 2 * time.Second}, outbox.RateLimited},
	}
	for _, tc := range tests {
		if got, _ := outbox.Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
