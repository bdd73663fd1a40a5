package query

// The embedded index's own rules for what another engine
// (internal/clickhouse) computes outside its database: snippets, KWIC
// contexts, bucket steps and phrase occurrences in a field's tokens.
// Exported here, not copied there, so that both engines give the same
// answers byte for byte when these rules change.

// Snippet returns the snippet Search shows for a document's text.
func Snippet(mt *Matcher, text string) string { return snippet(mt, text) }

// Context returns the KWIC line parts of the match s in field: width
// characters either side, white space flattened.
func Context(field string, s Span, width int) (left, match, right string) {
	return flat(lastRunes(field[:s.Start], width)), flat(field[s.Start:s.End]), flat(truncRunes(field[s.End:], width))
}

// NextBucket returns the start of the bucket after the one starting at
// day b (see Bucketer).
func NextBucket(by string, b int32) int32 { return nextBucket(by, b) }

// PhraseStarts returns the token indexes where p's non-overlapping
// occurrences start in toks, leftmost first.
func PhraseStarts(p *Phrase, toks []string) []int { return phraseStarts(p, toks) }

// NearHits counts the occurrences starting at as (each ka tokens long)
// that have an occurrence starting at bs (kb long) within n tokens in the
// same field (both sorted).
func NearHits(as []int, ka int, bs []int, kb int, n int) int {
	conv := func(x []int) []uint32 {
		out := make([]uint32, len(x))
		for i, v := range x {
			out[i] = uint32(v)
		}
		return out
	}
	return int(nearField(conv(as), uint32(ka), conv(bs), uint32(kb), uint32(n)))
}
