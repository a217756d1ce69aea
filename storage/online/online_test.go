package online_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/storage/online"
	"github.com/salesbot/salesbot/storage/storagetest"
)

// serve serves a fresh database on its control socket until the test
// ends and returns the database's path.
func serve(t *testing.T) string {
	t.Helper()
	db := storagetest.MustOpen(t)
	t.Cleanup(online.Serve(db, slog.New(slog.NewTextHandler(io.Discard, nil)))) // stops before the database closes
	return db.Path
}

// TestControlSocketRefusesOtherRequests: the socket serves the backup verb
// only.
func TestControlSocketRefusesOtherRequests(t *testing.T) {
	path := serve(t)
	sock := online.SocketPath(path)
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "salesbot/1 backup /etc/passwd\n"); err != nil {
		t.Fatal(err)
	}
	reply, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	// An empty stream (the zero-length end frame), then the error trailer.
	if len(reply) < 4 || string(reply[:4]) != "\x00\x00\x00\x00" || !strings.HasPrefix(string(reply[4:]), "error unknown request") {
		t.Errorf("reply %q", reply)
	}
}

// TestControlSocketIdleConnections: connections that never send their
// request are closed after a short wait, those beyond the limit at once,
// and a real backup still gets through afterwards. Before, each idle
// connection was held for 30s and there was no limit.
func TestControlSocketIdleConnections(t *testing.T) {
	path := serve(t)
	sock := online.SocketPath(path)
	const idle = 64
	conns := make([]net.Conn, 0, idle)
	for range idle {
		c, err := net.Dial("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	// Every one is closed by the server well inside the old 30s.
	deadline := time.Now().Add(15 * time.Second)
	for i, c := range conns {
		_ = c.SetReadDeadline(deadline)
		if _, err := c.Read(make([]byte, 1)); err != io.EOF {
			t.Fatalf("idle connection %d: %v, want EOF from the server", i, err)
		}
	}
	if n, err := online.Fetch(context.Background(), path, io.Discard); err != nil || n == 0 {
		t.Fatalf("backup after the idle connections: %d bytes, %v", n, err)
	}
}
