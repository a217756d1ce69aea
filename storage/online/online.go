package online

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/salesbot/salesbot/sales"
	"github.com/salesbot/salesbot/storage"
)

// The control socket is a unix socket beside the database (PATH.sock),
// 0600, so only the owner can reach it; each end also checks the other's
// uid with the kernel (SO_PEERCRED), and a fallback directory under
// $TMPDIR must be ours and 0700. The protocol has one verb and takes
// nothing else from the client:
//
//	client: "salesbot/1 backup\n"
//	server: frames of [uint32 big-endian length][bytes], a zero-length frame,
//	        then one trailer line: "ok <total bytes>\n" or "error <text>\n".
//
// The trailer lets the client tell a complete copy from one cut short by a
// crash or shutdown.
const (
	controlRequest  = "salesbot/1 backup"
	controlFrameMax = 1 << 20
	// sunPathMax stays under the smallest sun_path (104 on macOS, 108 on
	// Linux, both counting the NUL).
	sunPathMax = 100
	// controlIdle bounds every read and write of the stream, and
	// controlTotal the whole of it: a stalled client holds one connection
	// and a snapshot file, never a read transaction (see serve).
	controlIdle  = 30 * time.Second
	controlTotal = 15 * time.Minute
	// controlRequestWait is how long a new connection may take to send its
	// one request line.
	controlRequestWait = 3 * time.Second
	// controlConns bounds open connections, idle or not; more are closed
	// at once. controlBackups bounds the snapshots being made.
	controlConns   = 8
	controlBackups = 2
)

// socketPath is where the process holding dbPath listens: PATH.sock
// next to the file, or, when that is too long for a unix socket address, a
// hashed name in a private per-user directory under os.TempDir(). Both sides
// resolve the path the same way so `--db ./x.db` and `--db /abs/x.db` meet.
func socketPath(dbPath string) (sock string, private string) {
	p, err := filepath.Abs(dbPath)
	if err != nil {
		p = filepath.Clean(dbPath)
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	if s := p + ".sock"; len(s) <= sunPathMax && bindPathLen(s) <= sunPathMax {
		return s, ""
	}
	sum := sha256.Sum256([]byte(p))
	dir := filepath.Join(os.TempDir(), "salesbot-ctl-"+strconv.Itoa(os.Getuid()))
	return filepath.Join(dir, hex.EncodeToString(sum[:8])+".sock"), dir
}

// SocketPath is the control socket of the process holding dbPath, so a
// command can refuse to write over it.
func SocketPath(dbPath string) string {
	sock, _ := socketPath(dbPath)
	return sock
}

// The server binds in a fresh 0700 directory with a random name beside the
// socket's final place (dir/.sbctl-NNNNNNNNNN/s), sets the socket to 0600
// and only then renames it into place: nobody can connect before its mode
// is right, and nothing process-wide (umask) changes.
const bindPattern = ".sbctl-*"

func bindPathLen(sock string) int {
	return len(filepath.Dir(sock)) + len("/.sbctl-") + 10 + len("/s")
}

// checkPrivateDir accepts only a real directory (no symlink) with mode
// 0700 owned by us: a directory another local user made first, to serve a
// socket of their own where we look, is refused.
func checkPrivateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		return fmt.Errorf("%s is not a private (0700) directory", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("%s belongs to uid %d, not to us (uid %d): remove it", dir, st.Uid, os.Getuid())
	}
	return nil
}

// checkPeer accepts the process at the other end of c only when the
// kernel says it runs as one of the uids in ok (or root).
func checkPeer(c net.Conn, ok ...int) error {
	uc, isUnix := c.(*net.UnixConn)
	if !isUnix {
		return errors.New("not a unix socket")
	}
	uid, err := peerUID(uc)
	if errors.Is(err, errors.ErrUnsupported) {
		return nil // the private directory and the 0600 mode still hold
	}
	if err != nil {
		return fmt.Errorf("cannot tell who is at the other end: %w", err)
	}
	if uid == 0 || slices.Contains(ok, uid) {
		return nil
	}
	return fmt.Errorf("the other end runs as uid %d", uid)
}

// server serves backups of db on the control socket.
type server struct {
	db     *storage.DB
	log    *slog.Logger
	ln     *net.UnixListener
	path   string
	ident  os.FileInfo // our socket file; removed on close only if still ours
	ctx    context.Context
	cancel context.CancelFunc
	slots  chan struct{}
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// Serve starts the control server for db and returns the function
// that stops it (call it before closing db). A failure to listen is logged
// and leaves the bot running: only online backup is unavailable.
func Serve(db *storage.DB, logger *slog.Logger) (stop func()) {
	s, err := listen(db, logger)
	if err != nil {
		logger.Warn("online backup unavailable: no control socket", sales.LogKeyError, err.Error())
		return func() {}
	}
	logger.Info("control socket listening", sales.LogKeyPath, s.path)
	return s.close
}

func listen(db *storage.DB, logger *slog.Logger) (*server, error) {
	path, private := socketPath(db.Path)
	if private != "" {
		if err := os.Mkdir(private, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		if err := checkPrivateDir(private); err != nil {
			return nil, err
		}
	}
	// We hold the database lock, so a socket already at path is stale (left
	// by a killed process): it is replaced. Anything that is not a socket is
	// someone's file and is left alone.
	if fi, err := os.Lstat(path); err == nil && fi.Mode().Type() != os.ModeSocket {
		return nil, fmt.Errorf("%s exists and is not a socket", path)
	}
	ln, ident, err := bindPrivate(path)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{db: db, log: logger, ln: ln, path: path, ident: ident, ctx: ctx, cancel: cancel,
		slots: make(chan struct{}, controlBackups), conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// bindPrivate listens on path without the socket ever being reachable
// before it is 0600 (see bindPattern).
func bindPrivate(path string) (*net.UnixListener, os.FileInfo, error) {
	dir, err := os.MkdirTemp(filepath.Dir(path), bindPattern)
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, nil, err
	}
	ln.SetUnlinkOnClose(false) // the file is renamed; close removes it by name
	err = os.Chmod(tmp, 0o600)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	var ident os.FileInfo
	if err == nil {
		ident, err = os.Lstat(path)
	}
	if err != nil {
		_ = ln.Close()
		return nil, nil, err
	}
	return ln, ident, nil
}

func (s *server) accept() {
	defer s.wg.Done()
	backoff := 10 * time.Millisecond
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return
			}
			// EMFILE and the like: wait and retry rather than spin.
			s.log.Warn("control socket accept", sales.LogKeyError, err.Error())
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 10 * time.Millisecond
		if !s.track(conn) {
			_ = conn.Close()
			if s.ctx.Err() != nil {
				return
			}
			continue // too many connections: this one waits for nobody
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(conn)
			s.serve(conn)
		}()
	}
}

func (s *server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil || len(s.conns) >= controlConns {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	_ = c.Close()
}

// close stops accepting, cuts in-flight backups short (their clients see
// no trailer and keep nothing), waits for the handlers and removes the
// socket file.
func (s *server) close() {
	s.mu.Lock()
	s.cancel()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	_ = s.ln.Close()
	s.wg.Wait()
	if fi, err := os.Lstat(s.path); err == nil && os.SameFile(fi, s.ident) {
		_ = os.Remove(s.path)
	}
}

func (s *server) serve(conn net.Conn) {
	if err := checkPeer(conn, os.Getuid()); err != nil {
		s.log.Warn("control socket: connection refused", sales.LogKeyError, err.Error())
		return
	}
	_ = conn.SetReadDeadline(time.Now().Add(controlRequestWait))
	line, err := bufio.NewReader(io.LimitReader(conn, 128)).ReadString('\n')
	if err != nil {
		return // not a client of ours; nothing to answer
	}
	fw := &frameWriter{conn: conn, w: bufio.NewWriterSize(conn, 64<<10), end: time.Now().Add(controlTotal)}
	var n int64
	switch {
	case strings.TrimSpace(line) != controlRequest:
		err = fmt.Errorf("unknown request (this salesbot serves only %q)", controlRequest)
	default:
		select {
		case s.slots <- struct{}{}:
			start := time.Now()
			n, err = s.backup(fw)
			<-s.slots
			if err == nil {
				s.log.Info("online backup served", "bytes", n, sales.LogKeyDuration, time.Since(start))
			}
		default:
			err = errors.New("another backup is in progress; try again when it finishes")
		}
	}
	if err != nil && s.ctx.Err() == nil {
		s.log.Warn("online backup failed", sales.LogKeyError, err.Error())
	}
	fw.finish(n, err)
}

// backup snapshots the database to a local file first and streams that,
// so however slowly the client reads, the read transaction (which makes
// writes that grow the file wait) lasts only as long as a disk copy.
func (s *server) backup(fw *frameWriter) (int64, error) {
	f, size, err := s.db.Snapshot(s.ctx)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.Copy(fw, f)
	if err == nil && n != size {
		err = fmt.Errorf("snapshot is %d bytes, streamed %d", size, n)
	}
	return n, err
}

// frameWriter writes the framed stream; every write has an idle deadline.
type frameWriter struct {
	conn net.Conn
	w    *bufio.Writer
	end  time.Time // the whole stream's deadline
	hdr  [4]byte
}

func (f *frameWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), controlFrameMax)]
		if err := f.frame(chunk); err != nil {
			return written, err
		}
		written += len(chunk)
		p = p[len(chunk):]
	}
	return written, nil
}

func (f *frameWriter) frame(b []byte) error {
	_ = f.conn.SetWriteDeadline(earliest(time.Now().Add(controlIdle), f.end))
	binary.BigEndian.PutUint32(f.hdr[:], uint32(len(b)))
	if _, err := f.w.Write(f.hdr[:]); err != nil {
		return err
	}
	_, err := f.w.Write(b)
	return err
}

// finish ends the stream with the trailer; a failed stream (its write
// error aside) still tells the client why.
func (f *frameWriter) finish(n int64, err error) {
	if f.frame(nil) != nil {
		return
	}
	if err != nil {
		msg := strings.Join(strings.Fields(err.Error()), " ")
		fmt.Fprintf(f.w, "error %s\n", msg)
	} else {
		fmt.Fprintf(f.w, "ok %d\n", n)
	}
	_ = f.w.Flush()
}

// ErrNoServer says no process answered on the control socket.
var ErrNoServer = errors.New("no control socket")

// Fetch asks the process holding dbPath for a consistent copy and
// writes it to w. It returns the byte count only when the copy is complete.
func Fetch(ctx context.Context, dbPath string, w io.Writer) (int64, error) {
	path, private := socketPath(dbPath)
	if private != "" {
		if err := checkPrivateDir(private); err != nil {
			return 0, fmt.Errorf("%w: %v", ErrNoServer, err)
		}
	}
	d := net.Dialer{Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		reason := "nothing listens on it"
		if errors.Is(err, os.ErrNotExist) {
			reason = "it does not exist"
		}
		return 0, fmt.Errorf("%w at %s (%s)", ErrNoServer, path, reason)
	}
	defer conn.Close()
	// Only the database's owner (or root, or we) may answer: anyone else
	// could serve rows of their own.
	owners := []int{os.Getuid()}
	if fi, err := os.Stat(dbPath); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			owners = append(owners, int(st.Uid))
		}
	}
	if err := checkPeer(conn, owners...); err != nil {
		return 0, fmt.Errorf("control socket %s is not served by the database's owner: %w", path, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	_ = conn.SetWriteDeadline(time.Now().Add(controlIdle))
	if _, err := io.WriteString(conn, controlRequest+"\n"); err != nil {
		return 0, fmt.Errorf("control socket %s: %w", path, err)
	}
	n, err := readFrames(conn, w)
	if err == nil {
		return n, nil
	}
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	return 0, err
}

// readFrames copies the framed stream to w and checks the trailer.
func readFrames(conn net.Conn, w io.Writer) (int64, error) {
	r := bufio.NewReaderSize(conn, 64<<10)
	end := time.Now().Add(controlTotal + controlIdle)
	var total int64
	var hdr [4]byte
	for {
		_ = conn.SetReadDeadline(earliest(time.Now().Add(controlIdle), end))
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return 0, fmt.Errorf("the running salesbot stopped sending the copy: %w", err)
		}
		size := binary.BigEndian.Uint32(hdr[:])
		if size == 0 {
			break
		}
		if size > controlFrameMax {
			return 0, errors.New("the control socket answered with something that is not a salesbot backup")
		}
		if _, err := io.CopyN(w, r, int64(size)); err != nil {
			return 0, fmt.Errorf("the running salesbot stopped sending the copy: %w", err)
		}
		total += int64(size)
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("the running salesbot ended the copy without confirming it: %w", err)
	}
	status, rest, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
	switch status {
	case "ok":
		if n, err := strconv.ParseInt(rest, 10, 64); err != nil || n != total {
			return 0, fmt.Errorf("the running salesbot sent %d bytes but reported %q", total, rest)
		}
		return total, nil
	case "error":
		return 0, fmt.Errorf("the running salesbot could not make the copy: %s", rest)
	}
	return 0, errors.New("the control socket answered with something that is not a salesbot backup")
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
