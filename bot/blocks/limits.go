package blocks

// Slack's limits, in one place (PROTOCOL.md §4). Every renderer clips or
// packs to these instead of letting Slack reject the message.
//
// The digest renderers keep their own names for the same limits; they are
// listed here beside the others, values unchanged, until the two are merged.

// Block Kit limits the command, Home and modal renderers respect.
const (
	maxMessageBlocks = 50
	MaxViewBlocks    = 100
	maxSectionText   = 3000
	maxHeaderText    = 150
	maxFields        = 10
	maxFieldText     = 2000
	maxButtonText    = 75
	maxOptionText    = 75
	maxOptionValue   = 150
	MaxContextText   = 2000
	maxFallbackText  = 3000
	maxSelectOptions = 100
)

// Block Kit and file-upload limits the digest and nudge renderers respect.
const (
	dgMaxBlocks     = 50
	dgMaxSection    = 3000
	dgMaxHeader     = 150
	dgMaxOptionText = 75
	dgMaxValue      = 75   // option value: sources say 75 or 150, PROTOCOL.md says keep ≤75
	dgMaxChartAlt   = 1000 // files.getUploadURLExternal: alt_txt_too_large beyond
)
