package clickhouse

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is a parsed --engine address:
//
//	clickhouse://[USER[:PASSWORD]@]HOST:PORT[,HOST:PORT...]/DATABASE[?cluster=NAME&batch=ROWS]
//
// PORT is the server's HTTP port (8123 by default). With cluster=NAME,
// documents go to a Distributed table over the shards of that cluster (as
// the servers' remote_servers names it); every HOST listed gets the
// tables when tifa creates them, so list one server of each shard (or use
// a cluster whose servers share a Keeper, see doc/scale-out.md).
type Config struct {
	Hosts     []string // host:port of HTTP interfaces; queries go to the first
	User      string
	Password  string
	Database  string
	Cluster   string // "" for one server without a Distributed table
	BatchRows int    // rows per INSERT; default 20000
}

// ParseURL reads an engine address (see Config).
func ParseURL(s string) (Config, error) {
	c := Config{User: "default", Database: "tifa", BatchRows: 20000}
	rest, ok := strings.CutPrefix(s, "clickhouse://")
	if !ok {
		return c, fmt.Errorf("%w %q: want clickhouse://HOST:PORT/DATABASE?cluster=NAME", ErrBadURL, s)
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
	for _, h := range strings.Split(hostPart, ",") {
		if h == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(h, "8123")
		}
		c.Hosts = append(c.Hosts, h)
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
		case "user":
			c.User = v[0]
		case "password":
			c.Password = v[0]
		default:
			return c, fmt.Errorf("%w %q: unknown parameter %q (want cluster, batch, user, password)", ErrBadURL, s, k)
		}
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
	if c.Cluster != "" {
		s += "?cluster=" + c.Cluster
	}
	return s
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Client speaks ClickHouse's HTTP interface: SQL in, RowBinary out, and
// JSONEachRow for inserts. It is safe for concurrent use.
type Client struct {
	cfg Config
	hc  *http.Client

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
	r, err := c.query(ctx, c.cfg.Hosts[0], "SELECT version()")
	if err != nil {
		return nil, err
	}
	c.version = r.Str()
	if r.err != nil {
		return nil, r.err
	}
	r, err = c.query(ctx, c.cfg.Hosts[0], "SELECT name FROM system.functions WHERE name IN ('countSubstrings', 'replaceAll', 'position', 'cityHash64', 'hasToken')")
	if err != nil {
		return nil, err
	}
	c.funcs = map[string]bool{}
	for r.More() {
		c.funcs[r.Str()] = true
	}
	if r.err != nil {
		return nil, r.err
	}
	for _, f := range []string{"replaceAll", "position", "cityHash64"} {
		if !c.funcs[f] {
			return nil, fmt.Errorf("%w: %s (version %s) has no %s(); tifa needs ClickHouse 18.16 or newer", ErrTooOld, c.cfg.Hosts[0], c.version, f)
		}
	}
	return c, nil
}

// Version returns the server's version string.
func (c *Client) Version() string { return c.version }

// Has reports whether the server has the function name.
func (c *Client) Has(name string) bool { return c.funcs[name] }

// post sends one request to host: sql in the body, or, with body set, sql
// in the URL and body as the data.
func (c *Client) post(ctx context.Context, host, sql string, body io.Reader, settings url.Values) (io.ReadCloser, error) {
	v := url.Values{}
	for k, s := range settings {
		v[k] = s
	}
	if dl, ok := ctx.Deadline(); ok && body == nil {
		// The server stops too when the caller's time is up (--timeout,
		// the API's query timeout), not only the client.
		v.Set("max_execution_time", strconv.Itoa(max(1, int(time.Until(dl).Seconds()+0.5))))
	}
	if body == nil {
		body = strings.NewReader(sql)
	} else {
		v.Set("query", sql)
	}
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
		return nil, fmt.Errorf("%w at %s: %v", ErrUnreachable, host, err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return nil, c.serverErr(host, resp.StatusCode, string(msg))
	}
	return resp.Body, nil
}

var codeRe = regexp.MustCompile(`^Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?(.*?)(?:, e\.what\(\) = .*)?$`)

// serverErr turns an error answer into one of the errors of errors.go.
func (c *Client) serverErr(host string, status int, msg string) error {
	msg = strings.TrimSpace(msg)
	code := 0
	if m := codeRe.FindStringSubmatch(msg); m != nil {
		code, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(m[2])
	} else if m := regexp.MustCompile(`^Code: (\d+)\. DB::Exception: (.*)$`).FindStringSubmatch(msg); m != nil { // newer servers
		code, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	se := &ServerError{Code: code, Msg: msg}
	switch code {
	case codeUnknownUser, codeWrongPassword, codeRequiredPass, codeAuthFailed:
		return fmt.Errorf("%w at %s for user %q: %v", ErrAuth, host, c.cfg.User, se)
	case codeUnknownTable, codeUnknownDatabase:
		return fmt.Errorf("%w in database %s at %s (%v): run `tifa ingest --engine …` first", ErrNoTable, c.cfg.Database, host, se)
	case codeUnknownFunction:
		return fmt.Errorf("%w: %s (version %s): %v", ErrTooOld, host, c.version, se)
	case 0:
		return fmt.Errorf("clickhouse: %s answered HTTP %d: %s", host, status, msg)
	}
	return se
}

// exec runs a statement that returns nothing on host.
func (c *Client) exec(ctx context.Context, host, sql string) error {
	rc, err := c.post(ctx, host, sql, nil, nil)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, rc)
	rc.Close()
	return err
}

// insert sends rows (JSONEachRow) into table on host.
func (c *Client) insert(ctx context.Context, host, table string, rows []byte) error {
	settings := url.Values{"insert_distributed_sync": {"1"}}
	rc, err := c.post(ctx, host, "INSERT INTO "+table+" FORMAT JSONEachRow", bytes.NewReader(rows), settings)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, rc)
	rc.Close()
	return err
}

// query runs a SELECT on host and returns a reader of its RowBinary rows.
// The server buffers the whole answer first (wait_end_of_query), so that
// an error part-way is an error status, never a cut stream.
func (c *Client) query(ctx context.Context, host, sql string) (*rows, error) {
	rc, err := c.post(ctx, host, sql+"\nFORMAT RowBinary", nil, url.Values{"wait_end_of_query": {"1"}})
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("%w at %s: reading the answer: %v", ErrUnreachable, host, err)
	}
	return &rows{r: bufio.NewReader(bytes.NewReader(body))}, nil
}

// rows decodes RowBinary. Each getter reads one value; the first error
// sticks in err and zero values follow.
type rows struct {
	r   *bufio.Reader
	err error
	buf [8]byte
}

// More reports whether another row follows.
func (r *rows) More() bool {
	if r.err != nil {
		return false
	}
	_, err := r.r.Peek(1)
	return err == nil
}

func (r *rows) fixed(n int) []byte {
	if r.err != nil {
		return r.buf[:n:n]
	}
	if _, err := io.ReadFull(r.r, r.buf[:n]); err != nil {
		r.err = fmt.Errorf("clickhouse: short RowBinary answer: %w", err)
	}
	return r.buf[:n]
}

func (r *rows) UInt8() uint8   { return r.fixed(1)[0] }
func (r *rows) UInt32() uint32 { return binary.LittleEndian.Uint32(r.fixed(4)) }
func (r *rows) Int32() int32   { return int32(binary.LittleEndian.Uint32(r.fixed(4))) }
func (r *rows) UInt64() uint64 { return binary.LittleEndian.Uint64(r.fixed(8)) }
func (r *rows) Int64() int64   { return int64(binary.LittleEndian.Uint64(r.fixed(8))) }
func (r *rows) Float64() float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(r.fixed(8)))
}

func (r *rows) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		r.err = fmt.Errorf("clickhouse: short RowBinary answer: %w", err)
	}
	return n
}

func (r *rows) Str() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if n > 1<<30 {
		r.err = errors.New("clickhouse: RowBinary string longer than 1 GiB")
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.err = fmt.Errorf("clickhouse: short RowBinary answer: %w", err)
	}
	return string(b)
}

func (r *rows) Strs() []string {
	n := r.uvarint()
	if r.err != nil || n > 1<<24 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.Str()
	}
	return out
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
