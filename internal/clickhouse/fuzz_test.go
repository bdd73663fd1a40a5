package clickhouse

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// FuzzParseURL: any address is parsed or refused with ErrBadURL, never a
// panic, and an accepted one names a host and a safe database.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"clickhouse://127.0.0.1:8123/news?cluster=c&batch=10", "clickhouse://u:p@a,b/db", "clickhouse://", "clickhouse://h/d?x=%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseURL(s)
		if err != nil {
			return
		}
		if len(c.Hosts) == 0 || !identRe.MatchString(c.Database) || (c.Cluster != "" && !identRe.MatchString(c.Cluster)) || c.BatchRows < 1 {
			t.Fatalf("ParseURL(%q) = %+v", s, c)
		}
	})
}

// FuzzRows: the RowBinary reader never panics or over-allocates on a cut
// or damaged answer; it reports an error instead.
func FuzzRows(f *testing.F) {
	f.Add([]byte("\x03abc\x01\x00\x00\x00\x02\x01x\x01y"), "sisS")
	f.Add([]byte("\xff\xff\xff\xff\x0f"), "s")
	f.Fuzz(func(t *testing.T, data []byte, kinds string) {
		r := &rows{r: bufio.NewReader(bytes.NewReader(data))}
		for r.More() {
			for _, k := range kinds {
				switch k {
				case 's':
					r.Str()
				case 'S':
					r.Strs()
				case 'i':
					r.Int32()
				case 'u':
					r.UInt64()
				default:
					r.UInt8()
				}
			}
			if kinds == "" || strings.Trim(kinds, "siSu") == kinds {
				r.UInt8()
			}
		}
	})
}
