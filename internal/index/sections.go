package index

// SectionSizes returns the size in bytes of each section, by name.
func (s *Segment) SectionSizes() map[string]int64 {
	out := map[string]int64{}
	for kind, e := range s.toc {
		out[sectionNames[kind]] = int64(e.len)
	}
	return out
}
