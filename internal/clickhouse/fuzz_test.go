package clickhouse

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseURL: any address is parsed or refused with ErrBadURL, never a
// panic, and an accepted one names hosts with a native port each, an HTTP
// port other than theirs, a safe database, and reads back the same from
// its Redacted form (which has no password).
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"clickhouse://127.0.0.1:8123/news?cluster=c&batch=10", "clickhouse://u:p@a,b/db", "clickhouse://", "clickhouse://h/d?x=%zz",
		"clickhouse://h:9440,[::1]:9001/db?http_port=8443", "clickhouse://h:8124/db?http_port=8124", "clickhouse://h:0/db", "clickhouse://h/db?http_port=99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseURL(s)
		if err != nil {
			if !errors.Is(err, ErrBadURL) {
				t.Fatalf("ParseURL(%q): %v, not ErrBadURL", s, err)
			}
			return
		}
		if len(c.Hosts) == 0 || !identRe.MatchString(c.Database) || (c.Cluster != "" && !identRe.MatchString(c.Cluster)) || c.BatchRows < 1 ||
			c.HTTPPort < 1 || c.HTTPPort > 65535 {
			t.Fatalf("ParseURL(%q) = %+v", s, c)
		}
		for _, h := range c.Hosts {
			_, p, err := net.SplitHostPort(h)
			n, _ := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 || n == c.HTTPPort {
				t.Fatalf("ParseURL(%q): host %q (HTTP port %d)", s, h, c.HTTPPort)
			}
		}
		if c.User != "default" && strings.ContainsAny(c.User, "@:/,?") {
			return // a user name the address cannot spell unescaped
		}
		r, err := ParseURL(c.Redacted())
		if err != nil || strings.Join(r.Hosts, ",") != strings.Join(c.Hosts, ",") || r.HTTPPort != c.HTTPPort || r.Database != c.Database || r.Cluster != c.Cluster {
			t.Fatalf("ParseURL(%q) = %+v; its Redacted %q reads as %+v, %v", s, c, c.Redacted(), r, err)
		}
	})
}
