package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/storage"
)

// blockingWriter stalls the first Write until release is closed.
type blockingWriter struct {
	started chan struct{}
	release chan struct{}
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	select {
	case <-w.started:
	default:
		close(w.started)
	}
	<-w.release
	return len(p), nil
}

// TestHealthPingDoesNotHang: when a long read transaction makes a growing
// write wait, new reads queue behind that write; /healthz's database ping
// must then give up on its own deadline (503) instead of hanging with them.
func TestHealthPingDoesNotHang(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "h.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := &blockingWriter{started: make(chan struct{}), release: make(chan struct{})}
	backupDone := make(chan error, 1)
	go func() { _, err := db.Backup(context.Background(), w); backupDone <- err }()
	<-w.started
	writeDone := make(chan struct{})
	go func() {
		defer close(writeDone)
		_ = db.SetSetting(context.Background(), "big", strings.Repeat("x", 8<<20))
	}()
	defer func() {
		close(w.release)
		<-backupDone
		<-writeDone
	}()

	st := &Stack{DB: db}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res := make(chan error, 1)
		go func() { res <- st.pingDB(context.Background(), 200*time.Millisecond) }()
		select {
		case err := <-res:
			if err != nil {
				return // the ping gave up on its own: the handler answers 503
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the database ping hung behind a waiting write")
		}
		if time.Now().After(deadline) {
			t.Fatal("the growing write never blocked reads; the test proves nothing")
		}
	}
}
