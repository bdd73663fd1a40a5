package store

import (
	"errors"

	"github.com/tifa-project/tifa/internal/index"
)

// Fixed errors of the store. Corruption errors also match index.ErrCorrupt.
var (
	// ErrCorrupt is index.ErrCorrupt: a file of the index is damaged.
	ErrCorrupt = index.ErrCorrupt
	// ErrNewerVersion is index.ErrNewerVersion.
	ErrNewerVersion = index.ErrNewerVersion
	// ErrNoIndex: the directory holds no index (no MANIFEST).
	ErrNoIndex = errors.New("no index")
	// ErrLocked: another process is writing the index.
	ErrLocked = errors.New("index is being written by another process")
)
