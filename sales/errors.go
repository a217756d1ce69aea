package sales

import (
	"errors"
	"fmt"
)

// Error codes. Every failure a user can see carries one of these; anything
// else is reported as internal and logged.
const (
	EINVALID   = "invalid"
	ENOTFOUND  = "not_found"
	EFORBIDDEN = "forbidden"
	ECONFLICT  = "conflict"
	EINTERNAL  = "internal"
)

// Error is the one error type with a user-facing message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an *Error with a formatted, user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the text a user may see. Internal details never leak:
// unknown errors become a generic message.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Something went wrong on our side; nothing was changed. Please try again."
}

// UserText maps an error to the one line shown to a user, prefixed by its kind.
func UserText(err error) string {
	switch ErrorCode(err) {
	case "":
		return ""
	case EINVALID:
		return ":warning: " + ErrorMessage(err)
	case ENOTFOUND:
		return ":mag: " + ErrorMessage(err)
	case EFORBIDDEN:
		return ":no_entry: " + ErrorMessage(err)
	case ECONFLICT:
		return ":warning: " + ErrorMessage(err)
	default:
		return ":x: " + ErrorMessage(err)
	}
}
