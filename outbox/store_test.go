package outbox_test

import (
	"github.com/slack-go/slack"

	"github.com/salesbot/salesbot/outbox"
	"github.com/salesbot/salesbot/storage"
)

// The outbox needs exactly what *storage.DB and *slack.Client offer; its
// delivery is tested end to end in bot (outbox_e2e_test.go).
var (
	_ outbox.Store = (*storage.DB)(nil)
	_ outbox.API   = (*slack.Client)(nil)
)
