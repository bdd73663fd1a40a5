package corpus

import (
	"unicode"
	"unicode/utf8"
)

// langSample is how many letters DetectLang looks at.
const langSample = 2000

// scripts are the scripts DetectLang tells apart, with the language each
// stands for; Han and kana are counted apart to tell Japanese.
var scripts = []struct {
	table *unicode.RangeTable
	lang  string
}{
	{unicode.Han, "zh"}, {unicode.Hiragana, "ja"}, {unicode.Katakana, "ja"},
	{unicode.Hangul, "ko"}, {unicode.Latin, "en"}, {unicode.Cyrillic, "ru"},
	{unicode.Greek, "el"}, {unicode.Arabic, "ar"}, {unicode.Hebrew, "he"},
	{unicode.Devanagari, "hi"}, {unicode.Thai, "th"},
}

// Indexes into scripts used by name.
const (
	scriptHan      = 0
	scriptHiragana = 1
	scriptKatakana = 2
	scriptLatin    = 4
)

// DetectLang guesses a BCP-47 language code from the script of the first
// letters of title and text: "zh" (Han), "ja" (Han with kana), "ko"
// (Hangul), "en" (Latin), "ru" (Cyrillic), "el", "ar", "he", "hi", "th";
// "" when there are no letters of these scripts. Latin script is always
// "en". Cost: reads at most langSample letters, no allocation.
func DetectLang(title, text string) string {
	var counts [16]int
	n := countScripts(&counts, title, langSample)
	countScripts(&counts, text, langSample-n)
	// Han and kana count together; with at least one kana in ten it is
	// Japanese.
	kana := counts[scriptHiragana] + counts[scriptKatakana]
	cjk := counts[scriptHan] + kana
	best, lang := cjk, "zh"
	if kana*10 >= cjk {
		lang = "ja"
	}
	for i, s := range scripts[scriptKatakana+1:] {
		if c := counts[scriptKatakana+1+i]; c > best {
			best, lang = c, s.lang
		}
	}
	if best == 0 {
		return ""
	}
	return lang
}

// countScripts adds to counts the letters of s by script, up to limit
// letters, and returns how many it counted.
func countScripts(counts *[16]int, s string, limit int) int {
	n := 0
	for i := 0; i < len(s) && n < limit; {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if r < utf8.RuneSelf {
			if 'a' <= r|0x20 && r|0x20 <= 'z' {
				counts[scriptLatin]++
				n++
			}
			continue
		}
		if !unicode.IsLetter(r) {
			continue
		}
		for k, sc := range scripts {
			if unicode.Is(sc.table, r) {
				counts[k]++
				n++
				break
			}
		}
	}
	return n
}
