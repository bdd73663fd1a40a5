package corpus

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// readHTML reads one web page as one document. Cost: the page is held
// whole (at most Options.MaxDocBytes) with its parse tree.
func readHTML(in *input) error {
	data, err := readAllLimited(in.r, in.cfg.maxDoc)
	if err != nil {
		return &readError{line: 1, err: err}
	}
	d, err := parseHTML(data, in.id, in.name)
	if err != nil {
		return in.reject(1, err)
	}
	return in.doc(1, &d)
}

// parseHTML extracts a document from a page; fileID and path (the file's
// id and path) are the last places to look for a date. The charset is taken from a BOM
// or <meta charset>, else UTF-8 when the start is valid UTF-8, else
// Windows-1252.
//
//   - title: og:title, else <title>, else the first <h1>; a leading
//     "[视频]" tag and a trailing " - SITE" (SITE from og:site_name) are
//     removed;
//   - text: the main part of the page (see mainNode) as htmlText;
//   - date: the first that parses of the publication meta tags
//     (metaDateKeys), <time datetime>, the canonical / og:url address, the
//     file's id and path, and an element whose class or id names a date
//     or time;
//   - url: <link rel=canonical>, else og:url;
//   - source: og:site_name;
//   - lang: detected from the text; for Latin script, <html lang> when set.
func parseHTML(data []byte, fileID, path string) (Document, error) {
	var r io.Reader = bytes.NewReader(data)
	if enc, name, _ := charset.DetermineEncoding(data, ""); name != "utf-8" {
		r = enc.NewDecoder().Reader(r)
	}
	root, err := html.Parse(r)
	if err != nil {
		return Document{}, reject(ErrSyntax, "cannot parse HTML: %v", err)
	}
	var pg page
	pg.meta = map[string]string{}
	pg.scan(root, false)

	d := Document{
		Title:  pg.title(),
		Text:   htmlText(mainNode(root, &pg)),
		URL:    pg.firstMeta("canonical", "og:url"),
		Source: pg.meta["og:site_name"],
	}
	if d.Title == "" && d.Text == "" {
		return Document{}, reject(ErrNotDocument, "no title or text found in the page")
	}
	d.Date = pg.date(d.URL, fileID, path)
	d.Lang = DetectLang(d.Title, d.Text)
	if l := primaryTag(pg.lang); d.Lang == "en" && len(l) >= 2 && len(l) <= 3 {
		d.Lang = l
	}
	return d, nil
}

// page holds what one walk of the tree finds.
type page struct {
	titleText string
	h1        string
	meta      map[string]string // lower-cased name/property/itemprop (and "canonical") -> first content
	times     []string          // <time datetime> values, pubdate ones first
	lang      string
	body      *html.Node
	articles  []*html.Node
	cands     []*html.Node // elements whose id or class names content, article or text
	dated     []*html.Node // elements whose id or class names a date or time
}

// scan walks the tree once; hidden tells whether n is inside an element
// that gives no text.
func (pg *page) scan(n *html.Node, hidden bool) {
	if n.Type == html.ElementNode {
		pg.element(n, hidden)
		hidden = hidden || skipped(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		pg.scan(c, hidden)
	}
}

func (pg *page) element(n *html.Node, hidden bool) {
	attr := func(k string) string {
		for _, a := range n.Attr {
			if a.Key == k {
				return strings.TrimSpace(a.Val)
			}
		}
		return ""
	}
	switch n.DataAtom {
	case atom.Html:
		pg.lang = attr("lang")
	case atom.Title:
		if pg.titleText == "" {
			pg.titleText = htmlText(n)
		}
	case atom.H1:
		if pg.h1 == "" && !hidden {
			pg.h1 = htmlText(n)
		}
	case atom.Body:
		pg.body = n
	case atom.Article:
		if !hidden {
			pg.articles = append(pg.articles, n)
		}
	case atom.Meta:
		content := attr("content")
		for _, k := range []string{"property", "name", "itemprop"} {
			if v := strings.ToLower(attr(k)); v != "" && content != "" {
				if _, dup := pg.meta[v]; !dup {
					pg.meta[v] = content
				}
			}
		}
	case atom.Link:
		if strings.EqualFold(attr("rel"), "canonical") && attr("href") != "" {
			if _, dup := pg.meta["canonical"]; !dup {
				pg.meta["canonical"] = attr("href")
			}
		}
	case atom.Time:
		if v := attr("datetime"); v != "" {
			if _, pub := attrOK(n, "pubdate"); pub || strings.EqualFold(attr("itemprop"), "datePublished") {
				pg.times = append([]string{v}, pg.times...)
			} else {
				pg.times = append(pg.times, v)
			}
		}
	}
	if hidden || skipped(n) {
		return
	}
	names := strings.ToLower(attr("id") + " " + attr("class"))
	if strings.Contains(names, "content") || strings.Contains(names, "article") || strings.Contains(names, "text") {
		pg.cands = append(pg.cands, n)
	}
	if strings.Contains(names, "date") || strings.Contains(names, "time") {
		pg.dated = append(pg.dated, n)
	}
}

func attrOK(n *html.Node, k string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val, true
		}
	}
	return "", false
}

// firstMeta returns the first non-empty of the named meta values.
func (pg *page) firstMeta(keys ...string) string {
	for _, k := range keys {
		if v := pg.meta[k]; v != "" {
			return v
		}
	}
	return ""
}

// title picks and tidies the page title.
func (pg *page) title() string {
	t := cleanTitle(pg.firstMeta("og:title", "twitter:title"))
	if t == "" {
		t = cleanTitle(pg.titleText)
	}
	if t == "" {
		t = cleanTitle(pg.h1)
	}
	t = strings.TrimSpace(strings.TrimPrefix(t, "[视频]"))
	if site := cleanTitle(pg.meta["og:site_name"]); site != "" && t != site {
		for _, sep := range []string{" - ", " | ", " – ", " — ", " _ ", "_", "-", "|"} {
			if strings.HasSuffix(t, sep+site) {
				t = strings.TrimSpace(strings.TrimSuffix(t, sep+site))
				break
			}
		}
	}
	return t
}

// metaDateKeys are the meta tags that give a page's publication date, in
// order of trust.
var metaDateKeys = []string{
	"article:published_time", "og:published_time", "article:published",
	"datepublished", "pubdate", "publishdate", "publish_date", "publish-date",
	"publication_date", "dc.date.issued", "dcterms.issued", "dc.date",
	"dcterms.date", "date", "sailthru.date", "parsely-pub-date",
}

// date finds the page's date, or "".
func (pg *page) date(url, fileID, path string) string {
	var tries []string
	for _, k := range metaDateKeys {
		tries = append(tries, pg.meta[k])
	}
	tries = append(tries, pg.times...)
	tries = append(tries, url, pg.meta["og:url"], fileID, path)
	for _, s := range tries {
		if d, err := ParseDate(s); err == nil && d != "" {
			return d
		}
	}
	for _, n := range pg.dated {
		if s := htmlText(n); len(s) < 100 {
			if d, err := ParseDate(s); err == nil && d != "" {
				return d
			}
		}
	}
	return ""
}

// primaryTag is the language subtag of a BCP-47 tag, lower-cased.
func primaryTag(tag string) string {
	tag, _, _ = strings.Cut(strings.TrimSpace(tag), "-")
	tag, _, _ = strings.Cut(tag, "_")
	return strings.ToLower(tag)
}

// mainShare is the share of its text a candidate must hold to be
// preferred over its ancestor, and minShare the share of the page's text
// a candidate must hold at all.
const (
	mainShare = 0.6
	minShare  = 0.2
)

// mainNode picks the part of the page that holds the article: the
// <article> with the most text; else the element whose id or class names
// content, article or text with the most text, narrowed to a descendant
// candidate while that holds at least mainShare of its text; else <body>.
// A candidate with less than minShare of the body's text is passed over.
func mainNode(root *html.Node, pg *page) *html.Node {
	top := pg.body
	if top == nil {
		top = root
	}
	lens := map[*html.Node]int{}
	total := textLen(top, lens)
	if total == 0 {
		return top
	}
	best := func(nodes []*html.Node, within *html.Node) *html.Node {
		var b *html.Node
		for _, n := range nodes {
			if within != nil && (n == within || !isInside(n, within)) {
				continue
			}
			if b == nil || lens[n] > lens[b] {
				b = n
			}
		}
		return b
	}
	if a := best(pg.articles, nil); a != nil && float64(lens[a]) >= minShare*float64(total) {
		return a
	}
	c := best(pg.cands, nil)
	if c == nil || float64(lens[c]) < minShare*float64(total) {
		return top
	}
	for {
		inner := best(pg.cands, c)
		if inner == nil || float64(lens[inner]) < mainShare*float64(lens[c]) {
			return c
		}
		c = inner
	}
}

// isInside reports whether n is a descendant of anc.
func isInside(n, anc *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == anc {
			return true
		}
	}
	return false
}
