package corpus

import (
	"errors"
	"fmt"
)

// The fixed reasons a record is rejected. A Record's Err wraps one of them,
// so callers can count rejections by kind with errors.Is; the message itself
// says what was wrong in words a user understands.
var (
	// ErrSyntax: the record is not well-formed in its format (bad JSON, a
	// CSV row that cannot be split, an SGML element that is not closed).
	ErrSyntax = errors.New("syntax error")
	// ErrField: a field has the wrong type or an unusable value (a date that
	// is not a date, a number where a string belongs).
	ErrField = errors.New("bad field")
	// ErrTooLarge: the record is over Options.MaxDocBytes.
	ErrTooLarge = errors.New("record too large")
	// ErrNotDocument: the input is of a known format but holds no document
	// (a .txt without the date line, a CSV without a usable header).
	ErrNotDocument = errors.New("not a document")
	// ErrUnknownFormat: the file's format cannot be told from its name.
	ErrUnknownFormat = errors.New("unknown format")
	// ErrRead: the input could not be read to its end (I/O error, corrupt
	// compressed stream); records before the failure were delivered.
	ErrRead = errors.New("read error")
)

// rejectError is a rejection reason: a user-facing message whose kind is
// one of the Err* values above.
type rejectError struct {
	kind error
	msg  string
}

func (e *rejectError) Error() string { return e.msg }
func (e *rejectError) Unwrap() error { return e.kind }

// reject returns an error of the given kind with a formatted message.
func reject(kind error, format string, args ...any) error {
	return &rejectError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// errTooLarge is the rejection of a record of n bytes over limit.
func errTooLarge(what string, n int64, limit int) error {
	return reject(ErrTooLarge, "%s is %d bytes, over the %s limit", what, n, formatBytes(int64(limit)))
}

// formatBytes writes n as "32 MiB", "64 KiB" or "1000 bytes", whichever is exact.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
