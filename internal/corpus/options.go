package corpus

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultMaxDocBytes is the largest record or document read when
// Options.MaxDocBytes is 0.
const DefaultMaxDocBytes = 32 << 20

// Options control how inputs are read. The zero value reads every file by
// its name, with no column map, no default source and the default limit.
type Options struct {
	Format string            // "" = decide per file by name; else one of "jsonl","json","text","csv","tsv","html","sgml"
	Map    map[string]string // CSV/TSV/JSON column or key -> field ("id","date","source","title","text","lang","url", or "meta.KEY"); from --map col=field
	Source string            // fills Document.Source when a record has none (may be "")
	Stdin  io.Reader         // used for the path "-" (read as JSON Lines unless Format says otherwise)
	Read   *atomic.Int64     // if non-nil, add the number of raw input bytes read from disk/stdin as reading proceeds (for a progress bar in MB/s)

	// MaxDocBytes is the largest record/document in bytes; 0 means
	// DefaultMaxDocBytes. Larger records are rejected by name and reading
	// continues after them.
	MaxDocBytes int
}

// field names one Document field.
type field uint8

const (
	fNone field = iota
	fID
	fDate
	fSource
	fTitle
	fText
	fLang
	fURL
	fMeta // Document.Meta[target.key]
)

// fieldNames lists the Document fields by name, for parsing and messages.
var fieldNames = map[string]field{
	"id": fID, "date": fDate, "source": fSource, "title": fTitle,
	"text": fText, "lang": fLang, "url": fURL,
}

// target is where a column or key goes: a field, or a Meta key.
type target struct {
	f   field
	key string
}

// parseTarget reads a --map right-hand side: a field name or "meta.KEY".
func parseTarget(s string) (target, bool) {
	if f, ok := fieldNames[strings.ToLower(s)]; ok {
		return target{f: f}, true
	}
	if len(s) > 5 && strings.EqualFold(s[:5], "meta.") {
		return target{f: fMeta, key: s[5:]}, true
	}
	return target{}, false
}

// config is Options checked and prepared once per Walk.
type config struct {
	Options
	maxDoc int
	// maxDate is the latest date accepted: a year from now (see finish).
	maxDate string
	cols    map[string]target // Options.Map by exact column name
	fold    map[string]target // Options.Map by lower-cased column name
}

// newConfig checks opt. It fails on an unknown Format or a Map entry whose
// field is not a Document field.
func newConfig(opt Options) (*config, error) {
	c := &config{Options: opt, maxDoc: opt.MaxDocBytes, maxDate: time.Now().AddDate(1, 0, 0).Format("2006-01-02")}
	if c.maxDoc <= 0 {
		c.maxDoc = DefaultMaxDocBytes
	}
	if opt.Format != "" {
		if _, ok := formatByName(opt.Format); !ok {
			return nil, fmt.Errorf("unknown format %q (known: %s)", opt.Format, strings.Join(formatNames(), ", "))
		}
	}
	if len(opt.Map) > 0 {
		c.cols = make(map[string]target, len(opt.Map))
		c.fold = make(map[string]target, len(opt.Map))
		keys := make([]string, 0, len(opt.Map))
		for k := range opt.Map {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t, ok := parseTarget(strings.TrimSpace(opt.Map[k]))
			if !ok {
				return nil, fmt.Errorf("--map %s=%s: unknown field %q (want id, date, source, title, text, lang, url or meta.KEY)", k, opt.Map[k], opt.Map[k])
			}
			c.cols[k] = t
			c.fold[strings.ToLower(k)] = t
		}
	}
	return c, nil
}

// mapped returns where the column or key name goes by Options.Map, matched
// exactly and then case-insensitively.
func (c *config) mapped(name string) (target, bool) {
	if c.cols == nil {
		return target{}, false
	}
	if t, ok := c.cols[name]; ok {
		return t, true
	}
	t, ok := c.fold[strings.ToLower(name)]
	return t, ok
}
