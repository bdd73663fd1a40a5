package index

import (
	"errors"
	"fmt"
)

// Fixed errors of the index package. Test for them with errors.Is.
var (
	// ErrCorrupt marks any error caused by a file whose bytes are not what
	// tifa wrote: bad magic, checksum mismatch, truncation, broken invariant.
	ErrCorrupt = errors.New("index corrupt")
	// ErrNewerVersion marks a file written by a newer tifa format version.
	ErrNewerVersion = errors.New("index written by a newer version of tifa")
)

// CorruptError names the file and the part of it that failed verification.
type CorruptError struct {
	Path   string // file
	Part   string // section or structure, e.g. "postings of term \"共\""
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s: corrupt %s: %s", e.Path, e.Part, e.Reason)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

func corrupt(path, part, format string, args ...any) error {
	return &CorruptError{Path: path, Part: part, Reason: fmt.Sprintf(format, args...)}
}
