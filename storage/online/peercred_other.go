//go:build !linux && !darwin

package online

import (
	"errors"
	"net"
)

// peerUID is unavailable here; callers then rely on the socket's private
// directory and file mode alone.
func peerUID(*net.UnixConn) (int, error) { return 0, errors.ErrUnsupported }
