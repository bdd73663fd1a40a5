package analysis

// Stop-grams. An emerging n-gram is suppressed when it begins or ends with
// a function word: "of the new", "and dual", 的新发展, 和推动 are pieces of
// sentences, not formulations. The lists are short on purpose.
//
// A Chinese character is a function word only where it stands apart from
// its neighbours, and without a segmenter that is read off the counts: 和
// ends 碳中和 as part of the word (碳中 is always followed by 和) but joins
// 碳达峰和 as a conjunction (碳达峰 stands without it). So a Chinese n-gram
// is a stop-gram only when the rest of it occurs at least the minimum
// frequency of times without that character.

// stopWords are English function words, and "s" of "Xi Jinping's". A
// token of digits only counts as one too ("in 2021", "2021 and").
var stopWords = setOf(
	"a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "from", "by", "with",
	"as", "into", "onto", "upon", "about", "over", "under", "than", "then", "that", "this", "these", "those",
	"which", "who", "whom", "whose", "what", "when", "where", "why", "how", "is", "are", "was", "were", "be",
	"been", "being", "am", "has", "have", "had", "having", "do", "does", "did", "will", "would", "shall",
	"should", "can", "could", "may", "might", "must", "it", "its", "he", "she", "they", "them", "their",
	"his", "her", "him", "we", "our", "us", "you", "your", "i", "me", "my", "s", "t", "not", "no", "so",
	"if", "also", "said", "says", "such", "there", "here", "all", "any", "each", "more", "most", "other",
	"some", "very", "just", "only", "both", "up", "out", "during", "before", "after", "between",
	"through", "against", "among", "while", "because", "until", "via", "per", "mr", "ms", "mrs",
)

// stopFirst and stopLast are the Chinese characters an n-gram may not
// begin, respectively end, with: particles, conjunctions, prepositions,
// the copula.
var (
	stopBoth  = "的了是在和与及或也都而并又着其这那把被于将"
	stopFirst = setOfRunes(stopBoth + "之们地得等")
	stopLast  = setOfRunes(stopBoth + "等对向从为以给让由就之个要上中下")
)

// stopGram reports whether node begins or ends with a stop word (see
// above for Chinese characters).
func stopGram(g *grams, node int32) bool {
	toks := g.tokens(node)
	first, last := toks[0], toks[len(toks)-1]
	if g.kind(node) != kindCJK {
		return stopWord(first) || stopWord(last)
	}
	apart := func(rest int32) bool { return rest <= 0 || g.count[rest]-g.count[node] >= g.min }
	return stopFirst[first] && apart(g.suffix(node)) || stopLast[last] && apart(g.parent[node])
}

func stopWord(t string) bool {
	if stopWords[t] {
		return true
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func setOfRunes(s string) map[string]bool {
	m := map[string]bool{}
	for _, r := range s {
		m[string(r)] = true
	}
	return m
}
