package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/salesbot/salesbot/app"
	"github.com/salesbot/salesbot/bot/slacktest"
	"github.com/salesbot/salesbot/demo"
)

// startRun runs app.Run on e's database against the Slack emulator until
// the returned stop is called (or the test ends). Once the bot has
// connected, the control socket is listening: it starts first.
func startRun(t *testing.T, e *env) (emu *slacktest.Server, stop func()) {
	t.Helper()
	emu = slacktest.New(slacktest.Options{})
	cfg := app.Config{AppToken: emu.AppToken(), BotToken: emu.BotToken(), APIURL: emu.APIURL(), DB: e.db,
		DigestSchedule: "0 8 * * 1-5", NudgeSchedule: "0 9 * * 1-5", Timezone: "UTC", Currency: "USD"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("Run did not return")
		}
		emu.Close()
	}
	t.Cleanup(stop)
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	if err := emu.AwaitConnections(wctx, 1); err != nil {
		t.Fatal(err)
	}
	return emu, stop
}

// TestBackupOnlineFromRun: while the bot holds the database, backup gets a
// complete, consistent copy from it over the control socket.
func TestBackupOnlineFromRun(t *testing.T) {
	e := seeded(t, 40)
	emu, stop := startRun(t, e)
	// A write through Slack just before the backup is in the copy.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	id := emu.SlashCommand("U0X", "", "/deal", "add Acme 5k")
	if _, err := emu.AwaitResponse(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	sock := e.db + ".sock"
	if fi, err := os.Lstat(sock); err != nil || fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Fatalf("control socket %s: %v %v", sock, fi, err)
	}

	copyPath := filepath.Join(e.dir, "copy.db")
	r := e.must(BackupCmd, copyPath)
	if !strings.Contains(r.stdout, "from the running salesbot") {
		t.Errorf("%s", r)
	}
	if fi, err := os.Stat(copyPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("copy: %v %v", fi, err)
	}
	// The same guards as the offline route.
	if r := e.run(BackupCmd, copyPath); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("backup over an existing file: %s", r)
	}
	if r := e.run(BackupCmd, "--force", e.db); r.code != 1 || !strings.Contains(r.stderr, "database itself") {
		t.Errorf("backup onto the database: %s", r)
	}
	e.must(BackupCmd, "--force", copyPath)

	stop()
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("socket left behind after shutdown: %v", err)
	}
	db, done := e.open(copyPath)
	n, err := db.CountDeals(context.Background())
	if err == nil {
		err = db.Check(context.Background())
	}
	done()
	if err != nil || n != 41 {
		t.Fatalf("copy has %d deals (%v), want 41", n, err)
	}
	want := e.must(ExportCmd, "deals").stdout
	if got := e.must(ExportCmd, "deals", "--db", copyPath).stdout; got != want {
		t.Errorf("the copy exports differently:\n%s", firstDiff(want, got))
	}
	assertNoTemp(t, e.dir)
}

// TestBackupOnlineStaleSocketAndLongPath: a socket left by a killed process
// is replaced, and a database path too long for a socket address uses the
// hashed fallback; both still serve backups.
func TestBackupOnlineStaleSocketAndLongPath(t *testing.T) {
	tests := []struct {
		name       string
		besideFile bool // the socket is PATH.sock, not the hashed fallback
		setup      func(t *testing.T, e *env)
	}{
		{"stale socket", true, func(t *testing.T, e *env) {
			ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: e.db + ".sock", Net: "unix"})
			if err != nil {
				t.Fatal(err)
			}
			ln.SetUnlinkOnClose(false)
			ln.Close()
		}},
		{"long path", false, func(t *testing.T, e *env) {
			dir := filepath.Join(e.dir, strings.Repeat("d", 60), strings.Repeat("e", 40))
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(e.db, filepath.Join(dir, "salesbot.db")); err != nil {
				t.Fatal(err)
			}
			e.db = filepath.Join(dir, "salesbot.db")
			t.Setenv("SALESBOT_DB", e.db)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := seeded(t, 5)
			tt.setup(t, e)
			_, stop := startRun(t, e)
			if fi, err := os.Lstat(e.db + ".sock"); (err == nil && fi.Mode().Type() == os.ModeSocket) != tt.besideFile {
				t.Errorf("socket beside %s (%d bytes): %v, want %v", e.db, len(e.db), err == nil, tt.besideFile)
			}
			copyPath := filepath.Join(e.dir, "copy.db")
			if r := e.must(BackupCmd, copyPath); !strings.Contains(r.stdout, "from the running salesbot") {
				t.Errorf("%s", r)
			}
			stop()
			if _, err := os.Lstat(e.db + ".sock"); !os.IsNotExist(err) {
				t.Errorf("socket beside the database after shutdown: %v", err)
			}
			db, done := e.open(copyPath)
			n, err := db.CountDeals(context.Background())
			done()
			if err != nil || n != 5 {
				t.Fatalf("copy has %d deals (%v), want 5", n, err)
			}
		})
	}
}

// TestBackupOnlineFromDemo: `demo --db PATH` serves backups too.
func TestBackupOnlineFromDemo(t *testing.T) {
	e := seeded(t, 3)
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := make(chan int, 1)
	go func() {
		code <- demo.Main(ctx, []string{"--db", e.db}, stdinR, stdoutW, io.Discard)
		stdoutW.Close()
	}()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdoutR)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	// A reply means the bot is up, and so is the control socket.
	go io.WriteString(stdinW, "/deal add Globex 7k\n")
	awaitLine(t, ctx, lines, "Globex")

	copyPath := filepath.Join(e.dir, "copy.db")
	if r := e.must(BackupCmd, copyPath); !strings.Contains(r.stdout, "from the running salesbot") {
		t.Errorf("%s", r)
	}
	stdinW.Close()
	for range lines { // drain until Demo closes stdout
	}
	if c := <-code; c != ExitOK {
		t.Fatalf("demo exit %d", c)
	}
	db, done := e.open(copyPath)
	n, err := db.CountDeals(context.Background())
	done()
	if err != nil || n != 4 {
		t.Fatalf("copy has %d deals (%v), want 4", n, err)
	}
}

func awaitLine(t *testing.T, ctx context.Context, lines <-chan string, want string) {
	t.Helper()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before %q", want)
			}
			if strings.Contains(l, want) && !strings.Contains(l, "> /deal") {
				return
			}
		case <-ctx.Done():
			t.Fatalf("no %q: %v", want, ctx.Err())
		}
	}
}

// TestBackupLockedWithoutServer: a process holds the lock but nobody
// answers on the socket (an old salesbot, or a stale socket file): one
// clear line, and no file is written.
func TestBackupLockedWithoutServer(t *testing.T) {
	e := seeded(t, 3)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: e.db + ".sock", Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	_, done := e.open(e.db)
	defer done()
	target := filepath.Join(e.dir, "b.db")
	r := e.run(BackupCmd, target)
	if r.code != 1 || !strings.Contains(r.stderr, "in use") || !strings.Contains(r.stderr, "nothing listens") ||
		strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("%s", r)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Errorf("backup file written: %v", err)
	}
	assertNoTemp(t, e.dir)
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, de := range ents {
		if strings.Contains(de.Name(), ".tmp") {
			t.Errorf("temp file left behind: %s", de.Name())
		}
	}
}

// serveFake answers every backup request on ln with the bytes of file, as
// a local attacker's socket would.
func serveFake(ln net.Listener, file string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			_, _ = bufio.NewReader(c).ReadString('\n')
			b, _ := os.ReadFile(file)
			hdr := []byte{byte(len(b) >> 24), byte(len(b) >> 16), byte(len(b) >> 8), byte(len(b))}
			_, _ = c.Write(append(append(hdr, b...), 0, 0, 0, 0))
			_, _ = io.WriteString(c, "ok "+itoa(len(b))+"\n")
		}()
	}
}

// TestControlSocketDirOfAnotherUser: with a long database path the socket
// lives in $TMPDIR/salesbot-ctl-<uid>. When another user made that
// directory first and serves a socket of their own in it, the client must
// not take their rows for ours, and the server must not serve there.
func TestControlSocketDirOfAnotherUser(t *testing.T) {
	e := seeded(t, 5)
	attackerDB := filepath.Join(e.dir, "attacker.db")
	e.must(SeedCmd, "--db", attackerDB, "--deals", "2", "--reps", "1", "--seed", "9")

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := filepath.Join(e.dir, strings.Repeat("d", 60), strings.Repeat("e", 40))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(e.db, filepath.Join(dir, "salesbot.db")); err != nil {
		t.Fatal(err)
	}
	e.db = filepath.Join(dir, "salesbot.db")
	t.Setenv("SALESBOT_DB", e.db)

	private := filepath.Join(tmp, "salesbot-ctl-"+itoa(os.Getuid()))
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(private, 65534, 65534); err != nil {
		t.Skipf("needs root to make a directory of another user: %v", err)
	}
	sum := sha256.Sum256([]byte(e.db))
	sock := filepath.Join(private, hex.EncodeToString(sum[:8])+".sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go serveFake(ln, attackerDB)
	before, _ := os.Lstat(sock)

	// The client, while something holds the lock.
	_, done := e.open(e.db)
	r := e.run(BackupCmd, filepath.Join(e.dir, "copy.db"))
	if r.code != 1 || !strings.Contains(r.stderr, "belongs to uid 65534") {
		t.Errorf("backup through another user's directory: %s", r)
	}
	if r := e.run(ExportCmd, "deals"); r.code != 1 || strings.Contains(r.stdout, ",") {
		t.Errorf("export through another user's directory: %s", r)
	}
	done()

	// The server leaves the directory alone (and runs without online backup).
	_, stop := startRun(t, e)
	stop()
	if after, err := os.Lstat(sock); err != nil || !os.SameFile(before, after) {
		t.Errorf("the server replaced the socket in another user's directory: %v", err)
	}
}

// TestBackupOntoControlSocket: backup --force onto the running bot's
// control socket is refused, and the socket keeps serving.
func TestBackupOntoControlSocket(t *testing.T) {
	e := seeded(t, 3)
	startRun(t, e)
	sock := e.db + ".sock"
	r := e.run(BackupCmd, "--force", sock)
	if r.code != 1 || !strings.Contains(r.stderr, "control socket") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("%s", r)
	}
	if fi, err := os.Lstat(sock); err != nil || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("control socket after the refused backup: %v %v", fi, err)
	}
	e.must(BackupCmd, filepath.Join(e.dir, "copy.db"))
}
