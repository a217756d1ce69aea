package sales

import "strings"

// Stable slog keys, shared by every package.
const (
	LogKeyCommand  = "command"
	LogKeyUser     = "user"
	LogKeyChannel  = "channel"
	LogKeyEnvelope = "envelope_id"
	LogKeyDeal     = "deal"
	LogKeyMethod   = "method"
	LogKeyJob      = "job"
	LogKeySlot     = "slot"
	LogKeyError    = "err"
	LogKeyDuration = "duration"
	LogKeyCode     = "code"
	LogKeyPath     = "path"
)

// Redact renders an error for logs with anything token-shaped removed.
func Redact(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	for _, p := range []string{"xoxb-", "xapp-", "xoxp-", "xoxe-"} {
		for {
			i := strings.Index(s, p)
			if i < 0 {
				break
			}
			j := i + len(p)
			for j < len(s) && (s[j] == '-' || s[j] >= '0' && s[j] <= '9' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				j++
			}
			s = s[:i] + p[:len(p)-1] + "-REDACTED" + s[j:]
		}
	}
	return s
}
