package slacktest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

func (s *Server) completeUpload(c *Call, form url.Values) (result, string) {
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := decode([]byte(form.Get("files")), &files); err != nil || len(files) == 0 {
		return nil, "invalid_arguments"
	}
	ch := form.Get("channel_id")
	if ch == "" {
		ch = strings.Split(form.Get("channels"), ",")[0]
	}
	if ts := form.Get("thread_ts"); ts != "" && s.findMsg(ch, ts) == nil {
		return nil, "thread_not_found"
	}
	var out []map[string]any
	var ids []string
	for _, fi := range files {
		f, ok := s.files[fi.ID]
		if !ok {
			return nil, "file_not_found"
		}
		if !f.Uploaded {
			return nil, "file_upload_not_complete"
		}
		f.Title, f.Channel, f.ThreadTS, f.Comment = fi.Title, dmChannel(ch), form.Get("thread_ts"), form.Get("initial_comment")
		if f.Channel == "" {
			f.Channel = "(private)"
		}
		cp := *f
		c.File = &cp
		out = append(out, map[string]any{"id": f.ID, "title": f.Title})
		ids = append(ids, f.ID)
	}
	if ch != "" {
		// Sharing posts a message that shows the files, as in Slack: a
		// while after this answer (Options.ShareDelay).
		m := &Msg{Source: c.Method, Channel: dmChannel(ch), ThreadTS: form.Get("thread_ts"), Text: form.Get("initial_comment"), FileIDs: ids}
		s.shares = append(s.shares, pendingShare{due: s.now().Add(max(s.opts.ShareDelay, 0)), msg: m})
		s.settleSharesLocked()
	}
	return result{"files": out}, ""
}

// pendingShare is a file message that shows in its channel at due.
type pendingShare struct {
	due time.Time
	msg *Msg
}

// settleSharesLocked puts the file messages that are due into their
// channels' history, stamped as they appear; caller holds mu.
func (s *Server) settleSharesLocked() {
	now := s.now()
	kept := s.shares[:0]
	for _, p := range s.shares {
		if now.Before(p.due) {
			kept = append(kept, p)
			continue
		}
		p.msg.TS = s.nextTS()
		s.history[p.msg.Channel] = append(s.history[p.msg.Channel], p.msg)
	}
	clear(s.shares[len(kept):])
	s.shares = kept
}

// serveUpload is the upload_url of files v2: same host:port as the API so
// slack-go agrees to send the token there.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	c := &Call{Method: "upload", Status: http.StatusOK}
	if r.Header.Get("Authorization") != "Bearer "+s.opts.BotToken {
		c.Auth = "bad"
		c.Status, c.Error = http.StatusUnauthorized, "invalid_auth"
		s.mu.Lock()
		s.add(Record{Kind: KindCall, Call: c})
		s.mu.Unlock()
		http.Error(w, "invalid_auth", c.Status)
		return
	}
	c.Auth = "bearer"
	s.mu.Lock()
	f, faulted := s.takeFault("upload")
	s.mu.Unlock()
	if faulted {
		s.answerFault(w, c, f)
		return
	}
	var data []byte
	if err := r.ParseMultipartForm(64 << 20); err == nil {
		if fh, _, err := r.FormFile("file"); err == nil {
			data, _ = io.ReadAll(fh)
			fh.Close()
		}
	}
	s.mu.Lock()
	file, ok := s.files[id]
	switch {
	case !ok:
		c.Status, c.Error = http.StatusNotFound, "file_not_found"
	case len(data) == 0:
		c.Status, c.Error = http.StatusBadRequest, "no_file_data"
	default:
		file.Data, file.Uploaded = data, true
		c.OK = true
		cp := *file
		c.File = &cp
	}
	s.add(Record{Kind: KindCall, Call: c})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(c.Status)
	if c.OK {
		fmt.Fprintf(w, "OK - %d", len(data))
	} else {
		_, _ = io.WriteString(w, c.Error)
	}
}
