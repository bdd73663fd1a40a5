package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
)

func TestParseURL_Cases(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Config
		err  bool
	}{
		// The address of the HTTP-only versions: port 8123 alone is HTTP, native 9000.
		{in: "clickhouse://127.0.0.1:8123/news", want: Config{Hosts: []string{"127.0.0.1:9000"}, HTTPPort: 8123, User: "default", Database: "news", BatchRows: 20000}},
		{in: "clickhouse://ch1/news?cluster=tifa&batch=50000", want: Config{Hosts: []string{"ch1:9000"}, HTTPPort: 8123, User: "default", Database: "news", Cluster: "tifa", BatchRows: 50000}},
		{in: "clickhouse://u:p%40ss@a:1,b:2/db?cluster=c", want: Config{Hosts: []string{"a:1", "b:2"}, HTTPPort: 8123, User: "u", Password: "p@ss", Database: "db", Cluster: "c", BatchRows: 20000}},
		{in: "clickhouse://h:1", want: Config{Hosts: []string{"h:1"}, HTTPPort: 8123, User: "default", Database: "tifa", BatchRows: 20000}},
		{in: "clickhouse://h:9000/db?http_port=18123", want: Config{Hosts: []string{"h:9000"}, HTTPPort: 18123, User: "default", Database: "db", BatchRows: 20000}},
		{in: "clickhouse://h1:9001,h2:8123/db?http_port=8124", want: Config{Hosts: []string{"h1:9001", "h2:8123"}, HTTPPort: 8124, User: "default", Database: "db", BatchRows: 20000}},
		{in: "clickhouse://[::1]:9000/db", want: Config{Hosts: []string{"[::1]:9000"}, HTTPPort: 8123, User: "default", Database: "db", BatchRows: 20000}},
		{in: "http://h:1/db", err: true},
		{in: "clickhouse:///db", err: true},
		{in: "clickhouse://h/db;drop", err: true},
		{in: "clickhouse://h/db?cluster=a'b", err: true},
		{in: "clickhouse://h/db?batch=0", err: true},
		{in: "clickhouse://h/db?shards=2", err: true},
		{in: "clickhouse://h:8124/db?http_port=8124", err: true}, // one port for both
		{in: "clickhouse://h/db?http_port=0", err: true},
		{in: "clickhouse://h/db?http_port=x", err: true},
		{in: "clickhouse://h:99999/db", err: true},
		{in: "clickhouse://h:x/db", err: true},
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
		if strings.Join(got.Hosts, ",") != strings.Join(tc.want.Hosts, ",") || got.HTTPPort != tc.want.HTTPPort || got.User != tc.want.User || got.Password != tc.want.Password ||
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

func TestNativeErr_Kinds(t *testing.T) {
	c := &Client{cfg: Config{User: "u", Database: "db"}, version: "18.16.1"}
	ctx := context.Background()
	for _, tc := range []struct {
		err  error
		want error
	}{
		{&clickhouse.Exception{Code: 193, Message: "Wrong password for user u"}, ErrAuth},
		{fmt.Errorf("[handshake] %w", &clickhouse.Exception{Code: 516, Message: "u: Authentication failed"}), ErrAuth},
		{&clickhouse.Exception{Code: 60, Message: "Table db.docs doesn't exist."}, ErrNoTable},
		{&clickhouse.Exception{Code: 81, Message: "Database db doesn't exist"}, ErrNoTable},
		{&clickhouse.Exception{Code: 46, Message: "Unknown function countSubstrings"}, ErrTooOld},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, ErrUnreachable},
		{fmt.Errorf("read: %w", io.EOF), ErrUnreachable},
		{errors.New("[handshake] unexpected packet [72] from server"), ErrBadURL},
	} {
		if err := c.nativeErr(ctx, "h:1", tc.err); !errors.Is(err, tc.want) {
			t.Errorf("%v: %v, want %v", tc.err, err, tc.want)
		}
	}
	var se *ServerError
	if err := c.nativeErr(ctx, "h:1", &clickhouse.Exception{Code: 62, Message: "Syntax error"}); !errors.As(err, &se) || se.Code != 62 {
		t.Errorf("syntax error: %v, want a ServerError with code 62", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.nativeErr(cctx, "h:1", io.EOF); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}
