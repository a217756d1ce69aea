package sales

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
