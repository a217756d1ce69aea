// Package blocks turns command, digest and nudge results into Slack Block
// Kit messages, modals and Home tabs. It is pure: no network, no disk, no
// clock of its own, so golden files in testdata pin every rendering and
// the Slack side can be changed without touching how replies look.
//
// All user text is escaped here (Escape, EscapeMd, EscClip), and every
// rendering stays within Block Kit's limits.
//
// blocks may import slack-go's types and the packages whose results it
// renders (sales, commands, digest, outbox, csvsafe). It must not import
// bot, storage or socketmode: the bot depends on blocks, never the reverse.
package blocks
