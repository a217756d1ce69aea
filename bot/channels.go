package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Channels answers commands' membership question over the Web API. It is
// built from the bot's configuration before the command service, which
// needs it, and before the Bot, which needs that service.
type Channels struct {
	api *slack.Client
}

// NewChannels builds a Web API client for membership checks from cfg's
// bot token, API URL and HTTP client.
func NewChannels(cfg Config) *Channels {
	url := cfg.APIURL
	if url == "" {
		url = slack.APIURL
	}
	if !strings.HasSuffix(url, "/") {
		url += "/" // slack-go concatenates method names
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	return &Channels{api: slack.New(cfg.BotToken, slack.OptionAPIURL(url), slack.OptionHTTPClient(hc))}
}

// BotIsMember reports whether the bot is in channelID, from
// conversations.info's is_member
// (https://docs.slack.dev/reference/objects/conversation-object). A
// private channel the bot is not in is channel_not_found to it, so that
// answer means "not a member" too.
func (c *Channels) BotIsMember(ctx context.Context, channelID string) (bool, error) {
	ch, err := c.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channelID})
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && se.Err == "channel_not_found" {
			return false, nil
		}
		return false, fmt.Errorf("conversations.info: %w", err)
	}
	return ch.IsMember, nil
}
