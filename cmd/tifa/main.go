// Command tifa studies official discourse in news corpora: it ingests
// dated articles into an embedded index and answers exact phrase counts,
// trends, searches and keyword-in-context lines, in Chinese and English.
//
// The commands are thin: they parse flags, call internal/store and
// internal/query, and print.
package main

import (
	"errors"
	"fmt"
	"os"
)

// Exit statuses (SPEC §5).
const (
	exitOK       = 0
	exitUsage    = 1 // usage or query error
	exitIndex    = 2 // index unreadable or corrupt
	exitRejected = 3 // some input records rejected
)

// exitError carries an exit status with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	root := newRoot()
	err := root.Execute()
	if err == nil {
		return
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(os.Stderr, "tifa:", ee.err)
		}
		os.Exit(ee.code)
	}
	fmt.Fprintln(os.Stderr, "tifa:", err)
	os.Exit(exitUsage)
}
