// Package textnorm implements the text semantics of SPEC §2: Unicode NFKC,
// full case folding, and tokens — each Han, Hiragana or Katakana character a
// token by itself, every other maximal run of letters, marks and digits a
// token, everything else a separator. It has no other job.
//
// The functions report each token's byte span in the original (not
// normalised) string, so that callers can show matches in the text as
// written.
package textnorm

//go:generate go run gen_fold.go
