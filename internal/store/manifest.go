package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"path/filepath"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/vfs"
)

// The MANIFEST names the files of the last committed state. It is replaced
// atomically at each commit (written to MANIFEST.tmp, fsynced, renamed,
// directory fsynced), so a reader sees either the old or the new state.
//
//	"TIFAMAN\x00" | u32 version | u32 length | JSON (length bytes) | u32 crc32c(JSON)
//
// Version 1: JSON {"generation", "next_segment", "segments":[{"file",
// "docs", "tokens", "bytes", "deleted_file", "deleted", "annotations":[{"kind",
// "version", "file", "bytes", "records"}]}]} (annotations: annot.go; an
// index without them is read as before).
const (
	manifestName    = "MANIFEST"
	manifestMagic   = "TIFAMAN\x00"
	manifestVersion = 1
	maxManifest     = 64 << 20
)

// Manifest is the committed state of an index.
type Manifest struct {
	Generation  uint64        `json:"generation"`
	NextSegment uint64        `json:"next_segment"`
	Segments    []SegmentMeta `json:"segments"`
}

// SegmentMeta describes one segment of a manifest.
type SegmentMeta struct {
	File        string `json:"file"`
	Docs        int    `json:"docs"`
	Tokens      int64  `json:"tokens"`
	Bytes       int64  `json:"bytes"`
	DeletedFile string `json:"deleted_file,omitempty"`
	Deleted     int    `json:"deleted,omitempty"`
	// Annotations are the segment's sidecars (annot.go).
	Annotations []AnnotationMeta `json:"annotations,omitempty"`
}

func encodeManifest(m *Manifest) ([]byte, error) {
	js, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	b := []byte(manifestMagic)
	b = binary.LittleEndian.AppendUint32(b, manifestVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(js)))
	b = append(b, js...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(js, castagnoli)), nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// readManifest reads and verifies dir/MANIFEST.
func readManifest(fsys vfs.FS, dir string) (*Manifest, error) {
	path := filepath.Join(dir, manifestName)
	b, err := fsys.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := fsys.Stat(dir); serr != nil {
			return nil, fmt.Errorf("%s: %w (directory does not exist; run tifa ingest first)", dir, ErrNoIndex)
		}
		return nil, fmt.Errorf("%s: %w (no MANIFEST; run tifa ingest first)", dir, ErrNoIndex)
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return decodeManifest(path, b)
}

func decodeManifest(path string, b []byte) (*Manifest, error) {
	bad := func(f string, a ...any) error {
		return &index.CorruptError{Path: path, Part: "manifest", Reason: fmt.Sprintf(f, a...)}
	}
	if len(b) < 20 || string(b[:8]) != manifestMagic {
		return nil, bad("bad magic or truncated (%d bytes)", len(b))
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != manifestVersion {
		if v > manifestVersion {
			return nil, fmt.Errorf("%s: manifest version %d, this tifa reads %d: %w", path, v, manifestVersion, ErrNewerVersion)
		}
		return nil, bad("unknown version %d", v)
	}
	n := binary.LittleEndian.Uint32(b[12:])
	if uint64(n)+20 != uint64(len(b)) {
		return nil, bad("length %d does not match file size %d", n, len(b))
	}
	js := b[16 : 16+n]
	if crc32.Checksum(js, castagnoli) != binary.LittleEndian.Uint32(b[16+n:]) {
		return nil, bad("checksum mismatch")
	}
	var m Manifest
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, bad("%v", err)
	}
	seen := map[string]bool{}
	for _, s := range m.Segments {
		if !validName(s.File, ".seg") || seen[s.File] || (s.DeletedFile != "" && !validName(s.DeletedFile, ".del")) {
			return nil, bad("invalid or repeated file name %q", s.File)
		}
		seen[s.File] = true
		kinds := map[string]bool{}
		for _, a := range s.Annotations {
			if !annNameRE.MatchString(a.File) || seen[a.File] || kinds[a.Kind] || !kindRE.MatchString(a.Kind) || a.Bytes < 0 {
				return nil, bad("segment %s: invalid or repeated annotation file %q", s.File, a.File)
			}
			seen[a.File] = true
			kinds[a.Kind] = true
		}
		if s.Docs < 0 || s.Deleted < 0 || s.Deleted > s.Docs {
			return nil, bad("segment %s: %d deleted of %d documents", s.File, s.Deleted, s.Docs)
		}
	}
	return &m, nil
}

// validName accepts only plain names tifa writes: digits and '-' then ext.
func validName(name, ext string) bool {
	if len(name) <= len(ext) || name[len(name)-len(ext):] != ext {
		return false
	}
	for _, c := range name[:len(name)-len(ext)] {
		if !(c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
