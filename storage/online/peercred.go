//go:build linux || darwin

package online

import "net"

// peerUID is the uid of the process at the other end of a unix socket,
// as the kernel recorded it at connect (fdPeerUID says how per system).
func peerUID(c *net.UnixConn) (int, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return 0, err
	}
	var uid int
	var cerr error
	err = raw.Control(func(fd uintptr) { uid, cerr = fdPeerUID(int(fd)) })
	if err == nil {
		err = cerr
	}
	return uid, err
}
