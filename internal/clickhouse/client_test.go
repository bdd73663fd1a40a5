package clickhouse

import (
	"errors"
	"strings"
	"testing"
)

func TestParseURL_Cases(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Config
		err  bool
	}{
		{in: "clickhouse://127.0.0.1:8123/news", want: Config{Hosts: []string{"127.0.0.1:8123"}, User: "default", Database: "news", BatchRows: 20000}},
		{in: "clickhouse://ch1/news?cluster=tifa&batch=50000", want: Config{Hosts: []string{"ch1:8123"}, User: "default", Database: "news", Cluster: "tifa", BatchRows: 50000}},
		{in: "clickhouse://u:p%40ss@a:1,b:2/db?cluster=c", want: Config{Hosts: []string{"a:1", "b:2"}, User: "u", Password: "p@ss", Database: "db", Cluster: "c", BatchRows: 20000}},
		{in: "clickhouse://h:1", want: Config{Hosts: []string{"h:1"}, User: "default", Database: "tifa", BatchRows: 20000}},
		{in: "http://h:1/db", err: true},
		{in: "clickhouse:///db", err: true},
		{in: "clickhouse://h/db;drop", err: true},
		{in: "clickhouse://h/db?cluster=a'b", err: true},
		{in: "clickhouse://h/db?batch=0", err: true},
		{in: "clickhouse://h/db?shards=2", err: true},
	} {
		got, err := ParseURL(tc.in)
		if tc.err {
			if !errors.Is(err, ErrBadURL) {
				t.Errorf("%s: %v, want ErrBadURL", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if strings.Join(got.Hosts, ",") != strings.Join(tc.want.Hosts, ",") || got.User != tc.want.User || got.Password != tc.want.Password ||
			got.Database != tc.want.Database || got.Cluster != tc.want.Cluster || got.BatchRows != tc.want.BatchRows {
			t.Errorf("%s: %+v, want %+v", tc.in, got, tc.want)
		}
		if strings.Contains(got.Redacted(), "p@ss") {
			t.Errorf("%s: Redacted %q shows the password", tc.in, got.Redacted())
		}
	}
}

func TestQuote_Hostile(t *testing.T) {
	for in, want := range map[string]string{
		"":              `''`,
		"it's":          `'it\'s'`,
		`a\b`:           `'a\\b'`,
		"nul\x00\n\r\t": `'nul\x00\x0A\x0D\x09'`,
		"100% _x_":      `'100% _x_'`,
		"共同富裕":          `'共同富裕'`,
		`\'; DROP --`:   `'\\\'; DROP --'`,
		"del\x7f":       `'del\x7F'`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestServerErr_Codes(t *testing.T) {
	c := &Client{cfg: Config{User: "u", Database: "db"}, version: "18.16.1"}
	for msg, want := range map[string]error{
		"Code: 193, e.displayText() = DB::Exception: Wrong password for user u, e.what() = DB::Exception":       ErrAuth,
		"Code: 192, e.displayText() = DB::Exception: Unknown user u, e.what() = DB::Exception":                  ErrAuth,
		"Code: 516. DB::Exception: u: Authentication failed. (AUTHENTICATION_FAILED)":                           ErrAuth,
		"Code: 60, e.displayText() = DB::Exception: Table db.docs doesn't exist., e.what() = DB::Exception":     ErrNoTable,
		"Code: 81, e.displayText() = DB::Exception: Database db doesn't exist, e.what() = DB::Exception":        ErrNoTable,
		"Code: 46, e.displayText() = DB::Exception: Unknown function countSubstrings, e.what() = DB::Exception": ErrTooOld,
	} {
		if err := c.serverErr("h:1", 500, msg); !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", msg, err, want)
		}
	}
	var se *ServerError
	if err := c.serverErr("h:1", 500, "Code: 62, e.displayText() = DB::Exception: Syntax error, e.what() = DB::Exception"); !errors.As(err, &se) || se.Code != 62 {
		t.Errorf("syntax error: %v, want a ServerError with code 62", err)
	}
}

func TestStream_Wrapped(t *testing.T) {
	if got := stream([]string{"a", "a", "共"}); got != " a  a  共 " {
		t.Errorf("stream = %q", got)
	}
	if got := stream(nil); got != "" {
		t.Errorf("stream(nil) = %q", got)
	}
}
