package index

import (
	"fmt"
)

// Check verifies everything in the segment: every section checksum, every
// posting list (decoded in full: document numbers, frequencies, positions
// inside their document), every store block and stored record, and that the
// occurrences of all terms in each document add up to its token count. It
// reads the whole file once.
func (s *Segment) Check() error {
	for kind := range sectionNames {
		if err := s.verifySection(kind); err != nil {
			return err
		}
	}
	counts := make([]uint64, s.N)
	var p Postings
	var pos []uint32
	for t := range s.dict {
		if err := s.decodePostings(t, &p, false); err != nil {
			return err
		}
		for j, d := range p.Docs {
			var err error
			pos, err = p.Positions(j, pos[:0])
			if err != nil {
				return err
			}
			counts[d] += uint64(len(pos))
		}
	}
	for i := 0; i < s.N; i++ {
		if want := uint64(s.TitleToks[i]) + uint64(s.TextToks[i]); counts[i] != want {
			return corrupt(s.Path, "index", "document %d (%s) has %d token occurrences in postings, %d in DOCS", i, s.ID(i), counts[i], want)
		}
		if i > 0 && s.Dates[i] == s.Dates[i-1] && s.ID(i) <= s.ID(i-1) {
			return corrupt(s.Path, "DOCS section", "documents %d and %d out of id order", i-1, i)
		}
	}
	var raw []byte
	next := 0
	for b := range s.blocks {
		var err error
		raw, err = s.Block(b, raw)
		if err != nil {
			return err
		}
		for next < s.N && int(s.block[next]) == b {
			d, err := s.DecodeDoc(raw, int(s.blockOff[next]), next)
			if err != nil {
				return err
			}
			if Day(d.Date) != s.Dates[next] {
				return corrupt(s.Path, fmt.Sprintf("stored document %d", next), "date %q disagrees with DOCS", d.Date)
			}
			next++
		}
	}
	if next != s.N {
		return corrupt(s.Path, "DOCS section", "documents not stored in order (stopped at %d of %d)", next, s.N)
	}
	return nil
}
