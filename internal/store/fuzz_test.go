package store

import (
	"errors"
	"testing"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/vfs"
)

// FuzzManifest feeds arbitrary bytes to the manifest decoder: it must
// return a manifest or an error that is ErrCorrupt or ErrNewerVersion,
// never panic, and a manifest it returns must encode and decode to itself.
func FuzzManifest(f *testing.F) {
	good, _ := encodeManifest(&Manifest{Generation: 7, NextSegment: 3, Segments: []SegmentMeta{
		{File: "000001.seg", Docs: 6, Tokens: 900, Bytes: 4096, DeletedFile: "000001-7.del", Deleted: 1},
		{File: "000002.seg", Docs: 5, Tokens: 700, Bytes: 3000},
	}})
	f.Add(good)
	f.Add(good[:20])
	f.Add([]byte("TIFAMAN\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeManifest("MANIFEST", b)
		if err != nil {
			if !errors.Is(err, index.ErrCorrupt) && !errors.Is(err, index.ErrNewerVersion) {
				t.Fatalf("error %v is neither ErrCorrupt nor ErrNewerVersion", err)
			}
			return
		}
		for _, s := range m.Segments {
			if !validName(s.File, ".seg") || s.Deleted > s.Docs || s.Deleted < 0 {
				t.Fatalf("accepted segment %+v", s)
			}
		}
		again, err := encodeManifest(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeManifest("MANIFEST", again); err != nil {
			t.Fatalf("re-encoded manifest does not decode: %v", err)
		}
	})
}

// FuzzDeletes feeds arbitrary bytes as a deletion file of a segment of n
// documents: an error that is ErrCorrupt or ErrNewerVersion, or a bitmap
// with no bit past n that encodes back to the same bytes.
func FuzzDeletes(f *testing.F) {
	b := NewBitmap(13)
	b.Set(0)
	b.Set(12)
	f.Add(encodeDeletes(b, 13), uint16(13))
	f.Add(encodeDeletes(NewBitmap(64), 64), uint16(64))
	f.Add([]byte("TIFADEL\x00"), uint16(0))
	f.Fuzz(func(t *testing.T, raw []byte, n16 uint16) {
		n := int(n16)
		fsys := vfs.NewMem()
		if err := fsys.WriteFile("/i/1-1.del", raw); err != nil {
			t.Fatal(err)
		}
		bm, err := readDeletes(fsys, "/i", "1-1.del", n)
		if err != nil {
			if !errors.Is(err, index.ErrCorrupt) && !errors.Is(err, index.ErrNewerVersion) {
				t.Fatalf("error %v is neither ErrCorrupt nor ErrNewerVersion", err)
			}
			return
		}
		if string(encodeDeletes(bm, n)) != string(raw) {
			t.Fatalf("accepted %x, which encodes back as %x", raw, encodeDeletes(bm, n))
		}
	})
}
