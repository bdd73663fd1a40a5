package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Config is a parsed --engine address:
//
//	clickhouse://[USER[:PASSWORD]@]HOST[:PORT][,HOST[:PORT]...]/DATABASE[?cluster=NAME&batch=ROWS&http_port=PORT]
//
// PORT is the server's native TCP port (tcp_port, 9000 by default): reads
// and DDL speak the native protocol (clickhouse-go). Inserts go over HTTP
// (INSERT … FORMAT JSONEachRow) to the first host's http_port (8123 by
// default). With cluster=NAME, documents go to a Distributed table over the
// shards of that cluster (as the servers' remote_servers names it); every
// HOST listed gets the tables when tifa creates them, so list one server of
// each shard (or use a cluster whose servers share a Keeper, see
// doc/scale-out.md).
//
// The address of earlier versions named the HTTP port alone
// (clickhouse://HOST:8123/db): a port 8123 without http_port= is still
// read that way, as HTTP 8123 and native 9000.
type Config struct {
	Hosts     []string // host:port of native interfaces; queries and inserts go to the first
	HTTPPort  int      // the HTTP port of the first host, for inserts; default 8123
	User      string
	Password  string
	Database  string
	Cluster   string // "" for one server without a Distributed table
	BatchRows int    // rows per INSERT; default 20000
}

// Default ports of ClickHouse.
const (
	DefaultNativePort = 9000
	DefaultHTTPPort   = 8123
)

// ParseURL reads an engine address (see Config).
func ParseURL(s string) (Config, error) {
	c := Config{User: "default", Database: "tifa", BatchRows: 20000}
	rest, ok := strings.CutPrefix(s, "clickhouse://")
	if !ok {
		return c, fmt.Errorf("%w %q: want clickhouse://HOST:PORT/DATABASE?cluster=NAME&http_port=PORT", ErrBadURL, s)
	}
	rest, rawQuery, _ := strings.Cut(rest, "?")
	hostPart, db, _ := strings.Cut(rest, "/")
	if at := strings.LastIndex(hostPart, "@"); at >= 0 {
		ui := hostPart[:at]
		hostPart = hostPart[at+1:]
		user, pass, _ := strings.Cut(ui, ":")
		var err error
		if c.User, err = url.PathUnescape(user); err != nil {
			return c, fmt.Errorf("%w %q: user: %v", ErrBadURL, s, err)
		}
		if c.Password, err = url.PathUnescape(pass); err != nil {
			return c, fmt.Errorf("%w %q: password: %v", ErrBadURL, s, err)
		}
	}
	var ports []int // of the hosts, 0 when not given
	for _, h := range strings.Split(hostPart, ",") {
		if h == "" {
			continue
		}
		host, p, err := net.SplitHostPort(h)
		port := 0
		if err != nil {
			host = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		} else if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return c, fmt.Errorf("%w %q: port of %q: want a number from 1 to 65535", ErrBadURL, s, h)
		}
		if !hostRe.MatchString(host) {
			return c, fmt.Errorf("%w %q: host %q", ErrBadURL, s, h)
		}
		c.Hosts = append(c.Hosts, host)
		ports = append(ports, port)
	}
	if len(c.Hosts) == 0 {
		return c, fmt.Errorf("%w %q: no host", ErrBadURL, s)
	}
	if db = strings.Trim(db, "/"); db != "" {
		c.Database = db
	}
	if !identRe.MatchString(c.Database) {
		return c, fmt.Errorf("%w %q: database name %q: want letters, digits and _", ErrBadURL, s, c.Database)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return c, fmt.Errorf("%w %q: %v", ErrBadURL, s, err)
	}
	for k, v := range q {
		switch k {
		case "cluster":
			c.Cluster = v[0]
			if !identRe.MatchString(c.Cluster) {
				return c, fmt.Errorf("%w %q: cluster name %q: want letters, digits and _", ErrBadURL, s, c.Cluster)
			}
		case "batch":
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 1 {
				return c, fmt.Errorf("%w %q: batch=%q: want a number of rows", ErrBadURL, s, v[0])
			}
			c.BatchRows = n
		case "http_port":
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 1 || n > 65535 {
				return c, fmt.Errorf("%w %q: http_port=%q: want the servers' HTTP port (8123 by default)", ErrBadURL, s, v[0])
			}
			c.HTTPPort = n
		case "user":
			c.User = v[0]
		case "password":
			c.Password = v[0]
		default:
			return c, fmt.Errorf("%w %q: unknown parameter %q (want cluster, batch, http_port, user, password)", ErrBadURL, s, k)
		}
	}
	for i, p := range ports {
		switch {
		case p == 0:
			p = DefaultNativePort
		case p == DefaultHTTPPort && c.HTTPPort == 0:
			// The address of earlier versions: HTTP 8123, so native 9000.
			p = DefaultNativePort
		case p == c.HTTPPort:
			return c, fmt.Errorf("%w %q: port %d of %s is given as the HTTP port too; the address names the native port (tcp_port, %d by default), http_port= the HTTP port",
				ErrBadURL, s, p, c.Hosts[i], DefaultNativePort)
		}
		c.Hosts[i] = net.JoinHostPort(c.Hosts[i], strconv.Itoa(p))
	}
	if c.HTTPPort == 0 {
		c.HTTPPort = DefaultHTTPPort
	}
	return c, nil
}

// Redacted returns the address without the password.
func (c Config) Redacted() string {
	s := "clickhouse://"
	if c.User != "default" {
		s += c.User + "@"
	}
	s += strings.Join(c.Hosts, ",") + "/" + c.Database
	var params []string
	if c.Cluster != "" {
		params = append(params, "cluster="+c.Cluster)
	}
	if c.HTTPPort != 0 && c.HTTPPort != DefaultHTTPPort {
		params = append(params, "http_port="+strconv.Itoa(c.HTTPPort))
	}
	if len(params) > 0 {
		s += "?" + strings.Join(params, "&")
	}
	return s
}

// httpAddr is the host:port of the first host's HTTP interface.
func (c Config) httpAddr() string {
	host, _, err := net.SplitHostPort(c.Hosts[0])
	if err != nil {
		host = c.Hosts[0]
	}
	port := c.HTTPPort
	if port == 0 {
		port = DefaultHTTPPort
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

var (
	identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	hostRe  = regexp.MustCompile(`^[A-Za-z0-9._%:-]+$`) // a name, IPv4 or IPv6 (with a zone)
)

// Client speaks to ClickHouse: reads and DDL over the native protocol
// (github.com/ClickHouse/clickhouse-go/v2, one connection pool per host),
// inserts over HTTP as JSONEachRow (see insert). It is safe for
// concurrent use.
type Client struct {
	cfg   Config
	conns []driver.Conn // one per host of cfg.Hosts, dialled on first use
	hc    *http.Client  // inserts

	version string          // the server's version(), read by Dial
	funcs   map[string]bool // functions of system.functions that tifa can use
}

// Dial checks that the first server answers and reads its version and
// functions.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	c := &Client{cfg: cfg, hc: &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 8,
	}}}
	for _, h := range cfg.Hosts {
		conn, err := clickhouse.Open(&clickhouse.Options{
			Protocol: clickhouse.Native,
			Addr:     []string{h},
			Auth:     clickhouse.Auth{Database: "default", Username: cfg.User, Password: cfg.Password},
			// LZ4 blocks: the text of a page of documents travels
			// compressed.
			Compression:  &clickhouse.Compression{Method: clickhouse.CompressionLZ4},
			DialTimeout:  5 * time.Second,
			MaxOpenConns: 8,
			MaxIdleConns: 4,
			ClientInfo:   clickhouse.ClientInfo{Products: []struct{ Name, Version string }{{Name: "tifa"}}},
		})
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("%w %s: %v", ErrBadURL, cfg.Redacted(), err)
		}
		c.conns = append(c.conns, conn)
	}
	err := c.query(ctx, "SELECT version()", func(r driver.Rows) error { return r.Scan(&c.version) })
	if err == nil {
		c.funcs = map[string]bool{}
		err = c.query(ctx, "SELECT name FROM system.functions WHERE name IN ('countSubstrings', 'replaceAll', 'position', 'cityHash64', 'hasToken')",
			func(r driver.Rows) error {
				var name string
				err := r.Scan(&name)
				c.funcs[name] = true
				return err
			})
	}
	if err != nil {
		c.Close()
		if errors.Is(err, ErrUnreachable) && answersHTTP(ctx, cfg.Hosts[0]) {
			return nil, fmt.Errorf("%w: %s answers HTTP, not the native protocol: the address names the native port (tcp_port, %d by default) and the HTTP port as ?http_port= (%d by default), e.g. clickhouse://HOST:%d/%s?http_port=%d",
				ErrBadURL, cfg.Hosts[0], DefaultNativePort, DefaultHTTPPort, DefaultNativePort, cfg.Database, DefaultHTTPPort)
		}
		return nil, err
	}
	for _, f := range []string{"replaceAll", "position", "cityHash64"} {
		if !c.funcs[f] {
			c.Close()
			return nil, fmt.Errorf("%w: %s (version %s) has no %s(); tifa needs ClickHouse 18.16 or newer", ErrTooOld, c.cfg.Hosts[0], c.version, f)
		}
	}
	return c, nil
}

// answersHTTP reports whether ClickHouse's HTTP interface answers at
// host (its /ping says "Ok."): an address that names the HTTP port where
// the native one belongs, as the addresses of HTTP-only tifa did. The
// native handshake then fails (18.16's HTTP server waits for the end of
// request headers that never come, until the client's read times out).
func answersHTTP(ctx context.Context, host string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/ping", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 16))
	return resp.StatusCode == http.StatusOK && string(b) == "Ok.\n"
}

// Close closes the connections.
func (c *Client) Close() error {
	for _, conn := range c.conns {
		conn.Close()
	}
	c.hc.CloseIdleConnections()
	return nil
}

// Version returns the server's version string.
func (c *Client) Version() string { return c.version }

// Has reports whether the server has the function name.
func (c *Client) Has(name string) bool { return c.funcs[name] }

// query runs a SELECT on the first host over the native protocol and
// calls row for each row of the answer (row reads it with Scan). An
// exception of the server part-way through the answer is an error, as at
// its start. When ctx has a deadline, clickhouse-go sends
// max_execution_time (the time left plus 5 s), and when ctx ends it sends
// the server a Cancel, so the server stops with the caller (--timeout, the
// API's query timeout).
func (c *Client) query(ctx context.Context, sql string, row func(driver.Rows) error) error {
	return c.queryOn(ctx, 0, sql, row)
}

// queryOn is query on the i-th host.
func (c *Client) queryOn(ctx context.Context, i int, sql string, row func(driver.Rows) error) error {
	rs, err := c.conns[i].Query(ctx, sql)
	if err != nil {
		return c.nativeErr(ctx, c.cfg.Hosts[i], err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := row(rs); err != nil {
			return fmt.Errorf("clickhouse: reading the answer of %s: %w", c.cfg.Hosts[i], err)
		}
	}
	if err := rs.Err(); err != nil {
		return c.nativeErr(ctx, c.cfg.Hosts[i], err)
	}
	return nil
}

// exec runs a statement that returns nothing on the i-th host.
func (c *Client) exec(ctx context.Context, i int, sql string) error {
	if err := c.conns[i].Exec(ctx, sql); err != nil {
		return c.nativeErr(ctx, c.cfg.Hosts[i], err)
	}
	return nil
}

// nativeErr turns an error of clickhouse-go into one of errors.go.
func (c *Client) nativeErr(ctx context.Context, host string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		return c.classify(host, int(ex.Code), ex.Message)
	}
	var ne net.Error
	switch {
	case strings.Contains(err.Error(), "unexpected packet [72]"): // 'H' of "HTTP/1.0 400 Bad Request"
		return fmt.Errorf("%w: %s answers HTTP, not the native protocol: the address names the native port (tcp_port, %d by default) and the HTTP port as ?http_port= (%d by default)",
			ErrBadURL, host, DefaultNativePort, DefaultHTTPPort)
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, clickhouse.ErrAcquireConnTimeout):
		return fmt.Errorf("%w at %s: %v", ErrUnreachable, host, err)
	}
	return fmt.Errorf("clickhouse: %s: %w", host, err)
}

// classify turns an exception of the server (its code and text) into one
// of the errors of errors.go.
func (c *Client) classify(host string, code int, msg string) error {
	se := &ServerError{Code: code, Msg: msg}
	switch code {
	case codeUnknownUser, codeWrongPassword, codeRequiredPass, codeAuthFailed:
		return fmt.Errorf("%w at %s for user %q: %v", ErrAuth, host, c.cfg.User, se)
	case codeUnknownTable, codeUnknownDatabase:
		return fmt.Errorf("%w in database %s at %s (%v): run `tifa ingest --engine …` first", ErrNoTable, c.cfg.Database, host, se)
	case codeUnknownFunction:
		return fmt.Errorf("%w: %s (version %s): %v", ErrTooOld, host, c.version, se)
	}
	return se
}

// post sends one request to the first host's HTTP interface: sql in the
// URL and body as the data.
func (c *Client) post(ctx context.Context, sql string, body io.Reader, settings url.Values) (io.ReadCloser, error) {
	host := c.cfg.httpAddr()
	v := url.Values{}
	for k, s := range settings {
		v[k] = s
	}
	v.Set("query", sql)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+host+"/?"+v.Encode(), body)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(c.cfg.User, c.cfg.Password)
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w at %s (HTTP, for inserts: is http_port= right?): %v", ErrUnreachable, host, err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return nil, c.serverErr(host, resp.StatusCode, string(msg))
	}
	return resp.Body, nil
}

var (
	codeRe    = regexp.MustCompile(`^Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?(.*?)(?:, e\.what\(\) = .*)?$`)
	newCodeRe = regexp.MustCompile(`^Code: (\d+)\. DB::Exception: (.*)$`) // newer servers
)

// serverErr turns an error answer of the HTTP interface into one of the
// errors of errors.go.
func (c *Client) serverErr(host string, status int, msg string) error {
	msg = strings.TrimSpace(msg)
	code := 0
	if m := codeRe.FindStringSubmatch(msg); m != nil {
		code, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(m[2])
	} else if m := newCodeRe.FindStringSubmatch(msg); m != nil {
		code, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if code == 0 {
		return fmt.Errorf("clickhouse: %s answered HTTP %d: %s", host, status, msg)
	}
	return c.classify(host, code, msg)
}

// insert sends rows (JSONEachRow) into table over HTTP. The native
// protocol inserts column blocks of the table's types, which
// clickhouse-go's batches build from Go values; tifa keeps HTTP here: the
// rows are JSON already (one encoder, no second copy per column), the
// statement is the INSERT … FORMAT JSONEachRow, and
// insert_distributed_sync = 1 makes a batch stored on its shard when the
// INSERT returns.
func (c *Client) insert(ctx context.Context, table string, rows []byte) error {
	settings := url.Values{"insert_distributed_sync": {"1"}}
	rc, err := c.post(ctx, "INSERT INTO "+table+" FORMAT JSONEachRow", bytes.NewReader(rows), settings)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, rc)
	rc.Close()
	return err
}

// quote returns s as a ClickHouse string literal. Backslash and quote are
// escaped, and every control byte is written as \xHH, so no value can end
// the literal or change the statement; other bytes (UTF-8 included) stand
// as they are.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '\\' || ch == '\'':
			b.WriteByte('\\')
			b.WriteByte(ch)
		case ch < 0x20 || ch == 0x7f:
			fmt.Fprintf(&b, `\x%02X`, ch)
		default:
			b.WriteByte(ch)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
