package online

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/storage"
)

// growFile writes settings until the file has grown by a factor of three,
// which makes bbolt remap it at least once (a remap waits for every open
// read transaction), and returns how long that took.
func growFile(t *testing.T, db *storage.DB, prefix string) time.Duration {
	t.Helper()
	fi, err := os.Stat(db.Path)
	if err != nil {
		t.Fatal(err)
	}
	target := 3 * fi.Size()
	value := strings.Repeat("x", 256<<10)
	start := time.Now()
	for i := 0; ; i++ {
		if err := db.SetSetting(context.Background(), fmt.Sprintf("%s.%d", prefix, i), value); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(db.Path); err != nil || fi.Size() >= target {
			break
		}
	}
	return time.Since(start)
}

// TestSlowBackupClientDoesNotBlockWrites: a backup client that stops
// reading once the copy has started must not hold up writes that grow the
// database. Before the snapshot, the server streamed from a read
// transaction, and such writes waited out the 30s idle deadline.
func TestSlowBackupClientDoesNotBlockWrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A few MiB, so the copy is far bigger than what the socket buffers.
	growFile(t, db, "seed")
	growFile(t, db, "seed2")
	srv, err := listen(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()

	baseline := growFile(t, db, "baseline")

	conn, err := net.Dial("unix", srv.path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, controlRequest+"\n"); err != nil {
		t.Fatal(err)
	}
	// The first frame header: the copy has begun. Then read no more.
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.ReadFull(conn, make([]byte, 4)); err != nil {
		t.Fatal(err)
	}

	stalled := growFile(t, db, "stalled")
	if bound := 10*baseline + 3*time.Second; stalled > bound {
		t.Fatalf("writes took %v behind a stalled backup client (alone: %v, bound %v)", stalled, baseline, bound)
	}
	t.Logf("growing writes: %v alone, %v beside a stalled backup client", baseline, stalled)

	// A read (as /healthz makes) answers too.
	read := make(chan error, 1)
	go func() { _, err := db.Setting(context.Background(), "health.ping"); read <- err }()
	select {
	case err := <-read:
		if err != nil {
			t.Errorf("read beside a stalled client: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("a read waited behind a stalled backup client")
	}
}

// TestPeerUID: the kernel's record of who connected is what checkPeer
// compares; it must name our own uid for our own connection.
func TestPeerUID(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "p.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	srv := <-accepted
	defer srv.Close()
	for _, conn := range []net.Conn{c, srv} {
		uid, err := peerUID(conn.(*net.UnixConn))
		if err != nil || uid != os.Getuid() {
			t.Errorf("peerUID = %d, %v; want %d", uid, err, os.Getuid())
		}
		if err := checkPeer(conn, os.Getuid()); err != nil {
			t.Error(err)
		}
		if os.Getuid() != 0 {
			if err := checkPeer(conn, os.Getuid()+1); err == nil {
				t.Error("checkPeer accepted a uid it was not given")
			}
		}
	}
}
