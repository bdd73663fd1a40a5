package corpus

import (
	"unicode"
	"unicode/utf8"
)

// langSample is how many letters DetectLang looks at.
const langSample = 2000

// DetectLang guesses a BCP-47 language code from the script of the first
// letters of title and text: "zh" (Han), "ja" (Han with kana), "ko"
// (Hangul), "en" (Latin), "ru" (Cyrillic), "el", "ar", "he", "hi", "th";
// "" when there are no letters of these scripts. Latin script is always
// "en". Cost: reads at most langSample letters, no allocation.
func DetectLang(title, text string) string {
	var c scriptCounts
	n := c.add(title, langSample)
	c.add(text, langSample-n)
	return c.lang()
}

type scriptCounts struct {
	han, kana, hangul, latin, cyrillic, greek, arabic, hebrew, devanagari, thai int
}

// add counts the letters of s, up to limit of them, and returns how many
// it counted.
func (c *scriptCounts) add(s string, limit int) int {
	n := 0
	for i := 0; i < len(s) && n < limit; {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		switch {
		case r < utf8.RuneSelf:
			if 'a' <= r|0x20 && r|0x20 <= 'z' {
				c.latin++
				n++
			}
		case !unicode.IsLetter(r):
		case unicode.Is(unicode.Han, r):
			c.han++
			n++
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			c.kana++
			n++
		case unicode.Is(unicode.Hangul, r):
			c.hangul++
			n++
		case unicode.Is(unicode.Latin, r):
			c.latin++
			n++
		case unicode.Is(unicode.Cyrillic, r):
			c.cyrillic++
			n++
		case unicode.Is(unicode.Greek, r):
			c.greek++
			n++
		case unicode.Is(unicode.Arabic, r):
			c.arabic++
			n++
		case unicode.Is(unicode.Hebrew, r):
			c.hebrew++
			n++
		case unicode.Is(unicode.Devanagari, r):
			c.devanagari++
			n++
		case unicode.Is(unicode.Thai, r):
			c.thai++
			n++
		}
	}
	return n
}

// lang names the script with the most letters. Han with at least one kana
// in ten CJK letters is Japanese.
func (c *scriptCounts) lang() string {
	cjk := c.han + c.kana
	best, lang := 0, ""
	for _, s := range []struct {
		n    int
		lang string
	}{
		{cjk, "zh"}, {c.hangul, "ko"}, {c.latin, "en"}, {c.cyrillic, "ru"},
		{c.greek, "el"}, {c.arabic, "ar"}, {c.hebrew, "he"},
		{c.devanagari, "hi"}, {c.thai, "th"},
	} {
		if s.n > best {
			best, lang = s.n, s.lang
		}
	}
	if lang == "zh" && c.kana*10 >= cjk {
		lang = "ja"
	}
	return lang
}
