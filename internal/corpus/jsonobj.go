package corpus

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// docParser decodes one JSON object into a Document. Keys go, in this
// order of preference, where Options.Map sends them, to the SPEC field of
// that name (matched case-insensitively, as encoding/json does), or — for
// other keys with a string or number value — into Meta under the key;
// other unknown values are skipped. "meta" must be an object; its string,
// number and boolean values are kept as strings. A field that must be a
// string and is not, or input that is not exactly one JSON object, is an
// error with the column where it went wrong.
//
// It is a small hand-written decoder rather than encoding/json because
// it keeps unknown keys without building a map per record and names the
// column of a syntax error; FuzzJSONL checks it against encoding/json.
// Cost: one pass, one allocation per string kept; a parser is reused
// across records and is not safe for concurrent use.
type docParser struct {
	cfg  *config
	data []byte
	pos  int
	kbuf []byte // decoded key, when it has escapes
	vbuf []byte // decoded value, when it has escapes
}

// fMetaObject is the "meta" key itself, whose value is an object.
const fMetaObject = fMeta + 1

// maxDepth bounds the nesting of skipped values.
const maxDepth = 1000

func (p *docParser) parse(data []byte, d *Document) error {
	p.data, p.pos = data, 0
	p.ws()
	if p.pos >= len(p.data) {
		return p.syntax("unexpected end of input")
	}
	if c := p.data[p.pos]; c != '{' {
		if kind := valueKind(c); kind != "" {
			return reject(ErrSyntax, "not a document: want a JSON object, got %s", kind)
		}
		return p.unexpected()
	}
	var extra map[string]string // unknown top-level keys, merged into Meta last
	err := p.members(func(key []byte) error {
		t := p.resolve(key)
		switch t.f {
		case fMetaObject:
			return p.metaObject(d)
		case fMeta:
			v, ok, err := p.scalar(t.key != "")
			if ok {
				k := t.key
				if k == "" {
					k = string(key)
				}
				if extra == nil {
					extra = map[string]string{}
				}
				extra[k] = v
			}
			return err
		}
		return p.field(d, t.f, key)
	})
	if err != nil {
		return err
	}
	p.ws()
	if p.pos < len(p.data) {
		return p.syntax("unexpected %s after the object", p.charAt())
	}
	for k, v := range extra {
		if d.Meta == nil {
			d.Meta = make(map[string]string, len(extra))
		}
		if _, dup := d.Meta[k]; !dup {
			d.Meta[k] = v
		}
	}
	return nil
}

// resolve says where a key's value goes; an unknown key goes to Meta with
// an empty target key, meaning "under its own name".
func (p *docParser) resolve(key []byte) target {
	if p.cfg != nil && p.cfg.cols != nil {
		if t, ok := p.cfg.cols[string(key)]; ok {
			return t
		}
		if t, ok := p.cfg.fold[strings.ToLower(string(key))]; ok {
			return t
		}
	}
	switch len(key) {
	case 2:
		if bytes.EqualFold(key, []byte("id")) {
			return target{f: fID}
		}
	case 3:
		if bytes.EqualFold(key, []byte("url")) {
			return target{f: fURL}
		}
	case 4:
		switch {
		case bytes.EqualFold(key, []byte("date")):
			return target{f: fDate}
		case bytes.EqualFold(key, []byte("text")):
			return target{f: fText}
		case bytes.EqualFold(key, []byte("lang")):
			return target{f: fLang}
		case bytes.EqualFold(key, []byte("meta")):
			return target{f: fMetaObject}
		}
	case 5:
		if bytes.EqualFold(key, []byte("title")) {
			return target{f: fTitle}
		}
	case 6:
		if bytes.EqualFold(key, []byte("source")) {
			return target{f: fSource}
		}
	}
	return target{f: fMeta}
}

// field reads a string (or null) into field f of d.
func (p *docParser) field(d *Document, f field, key []byte) error {
	switch p.peek() {
	case '"':
		v, err := p.str(&p.vbuf)
		if err != nil {
			return err
		}
		setField(d, f, string(v))
		return nil
	case 'n':
		return p.literal("null")
	}
	kind := valueKind(p.peek())
	if kind == "" {
		return p.unexpected()
	}
	return reject(ErrField, "field %q must be a string, not %s", validUTF8(string(key)), kind)
}

// setField stores v in field f of d.
func setField(d *Document, f field, v string) {
	switch f {
	case fID:
		d.ID = v
	case fDate:
		d.Date = v
	case fSource:
		d.Source = v
	case fTitle:
		d.Title = v
	case fText:
		d.Text = v
	case fLang:
		d.Lang = v
	case fURL:
		d.URL = v
	}
}

// metaObject reads the "meta" object (or null) into d.Meta.
func (p *docParser) metaObject(d *Document) error {
	switch p.peek() {
	case 'n':
		d.Meta = nil // as encoding/json: the last value wins
		return p.literal("null")
	case '{':
	default:
		if kind := valueKind(p.peek()); kind != "" {
			return reject(ErrField, `field "meta" must be an object of strings, not %s`, kind)
		}
		return p.unexpected()
	}
	return p.members(func(key []byte) error {
		if c := p.peek(); c == '{' || c == '[' {
			return reject(ErrField, "meta %q must be a string, not %s", validUTF8(string(key)), valueKind(c))
		}
		v, ok, err := p.scalar(true)
		if ok {
			if d.Meta == nil {
				d.Meta = map[string]string{}
			}
			d.Meta[string(key)] = v
		}
		return err
	})
}

// members reads the object at p.pos and calls fn for each member, with
// the value next to read; fn must read it. The key is valid only until
// fn reads a value that holds keys itself.
func (p *docParser) members(fn func(key []byte) error) error {
	p.pos++ // '{'
	p.ws()
	if p.peek() == '}' {
		p.pos++
		return nil
	}
	for {
		p.ws()
		if p.peek() != '"' {
			return p.unexpected()
		}
		key, err := p.str(&p.kbuf)
		if err != nil {
			return err
		}
		p.ws()
		if p.peek() != ':' {
			return p.expected("':' after object key")
		}
		p.pos++
		p.ws()
		if err := fn(key); err != nil {
			return err
		}
		p.ws()
		c := p.peek()
		p.pos++
		if c == '}' {
			return nil
		}
		if c != ',' {
			p.pos--
			return p.expected("',' or '}' after object member")
		}
	}
}

// scalar reads any value and returns it as a string when it is a string
// or a number (or a boolean, if bools): ok is false for null, objects,
// arrays (skipped) and booleans otherwise.
func (p *docParser) scalar(bools bool) (v string, ok bool, err error) {
	switch c := p.peek(); {
	case c == '"':
		b, err := p.str(&p.vbuf)
		return string(b), err == nil, err
	case c == '-' || '0' <= c && c <= '9':
		b, err := p.number()
		return string(b), err == nil, err
	case c == 't':
		return "true", bools, p.literal("true")
	case c == 'f':
		return "false", bools, p.literal("false")
	}
	return "", false, p.skip(0)
}

// skip passes over one value of any kind, checking its syntax.
func (p *docParser) skip(depth int) error {
	if depth > maxDepth {
		return p.syntax("values nested more than %d deep", maxDepth)
	}
	switch c := p.peek(); {
	case c == '"':
		_, err := p.str(&p.vbuf)
		return err
	case c == '-' || '0' <= c && c <= '9':
		_, err := p.number()
		return err
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '{':
		return p.members(func([]byte) error { return p.skip(depth + 1) })
	case c == '[':
		p.pos++
		p.ws()
		if p.peek() == ']' {
			p.pos++
			return nil
		}
		for {
			p.ws()
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			p.ws()
			sep := p.peek()
			p.pos++
			if sep == ']' {
				return nil
			}
			if sep != ',' {
				p.pos--
				return p.expected("',' or ']' after array element")
			}
		}
	}
	return p.unexpected()
}

// literal reads the exact word w (true, false, null).
func (p *docParser) literal(w string) error {
	for i := 0; i < len(w); i++ {
		if p.pos >= len(p.data) {
			return p.syntax("unexpected end of input")
		}
		if p.data[p.pos] != w[i] {
			return p.unexpected()
		}
		p.pos++
	}
	return nil
}

// number reads a JSON number and returns its text.
func (p *docParser) number() ([]byte, error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	switch c := p.peek(); {
	case c == '0':
		p.pos++
	case '1' <= c && c <= '9':
		p.digits()
	default:
		return nil, p.unexpected()
	}
	if p.peek() == '.' {
		p.pos++
		if !isDigit(p.peek()) {
			return nil, p.unexpected()
		}
		p.digits()
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if !isDigit(p.peek()) {
			return nil, p.unexpected()
		}
		p.digits()
	}
	return p.data[start:p.pos], nil
}

func (p *docParser) digits() {
	for p.pos < len(p.data) && isDigit(p.data[p.pos]) {
		p.pos++
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// str reads a JSON string at p.pos and returns its decoded bytes: a slice
// of the input when it has no escapes, else of *buf. Invalid UTF-8 is
// passed through (repaired later, in finish); an invalid \u surrogate
// becomes U+FFFD as in encoding/json.
func (p *docParser) str(buf *[]byte) ([]byte, error) {
	start := p.pos + 1
	i := start
	for i < len(p.data) {
		c := p.data[i]
		if c == '"' {
			p.pos = i + 1
			return p.data[start:i], nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	b := append((*buf)[:0], p.data[start:i]...)
	for i < len(p.data) {
		c := p.data[i]
		switch {
		case c == '"':
			p.pos = i + 1
			*buf = b
			return b, nil
		case c < 0x20:
			p.pos = i
			return nil, p.syntax("control character U+%04X in string", c)
		case c != '\\':
			j := i + 1
			for j < len(p.data) && p.data[j] != '"' && p.data[j] != '\\' && p.data[j] >= 0x20 {
				j++
			}
			b = append(b, p.data[i:j]...)
			i = j
			continue
		}
		if i+1 >= len(p.data) {
			p.pos = len(p.data)
			return nil, p.syntax("unexpected end of input")
		}
		switch e := p.data[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(p.data[i+2:])
			if !ok {
				p.pos = i
				return nil, p.syntax("invalid \\u escape in string")
			}
			i += 6
			if utf16IsSurrogate(r) {
				r2, ok2 := rune(-1), false
				if i+1 < len(p.data) && p.data[i] == '\\' && p.data[i+1] == 'u' {
					r2, ok2 = hex4(p.data[i+2:])
				}
				if dec := utf16Decode(r, r2); ok2 && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			p.pos = i
			return nil, p.syntax("invalid escape %q in string", "\\"+string(rune(e)))
		}
		i += 2
	}
	p.pos = len(p.data)
	return nil, p.syntax("unexpected end of input")
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func utf16IsSurrogate(r rune) bool { return 0xd800 <= r && r < 0xe000 }

// utf16Decode joins a surrogate pair, or returns U+FFFD.
func utf16Decode(r1, r2 rune) rune {
	if 0xd800 <= r1 && r1 < 0xdc00 && 0xdc00 <= r2 && r2 < 0xe000 {
		return (r1-0xd800)<<10 | (r2 - 0xdc00) + 0x10000
	}
	return utf8.RuneError
}

// ws skips JSON white space.
func (p *docParser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

// peek returns the byte at p.pos, or 0 at the end.
func (p *docParser) peek() byte {
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

// valueKind names the JSON value starting with c, for messages.
func valueKind(c byte) string {
	switch {
	case c == '"':
		return "a string"
	case c == '-' || isDigit(c):
		return "a number"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	}
	return ""
}

// syntax is a JSON syntax error at p.pos, with its column counted in
// characters from 1.
func (p *docParser) syntax(format string, args ...any) error {
	pos := min(p.pos, len(p.data))
	col := utf8.RuneCount(p.data[:pos]) + 1
	return reject(ErrSyntax, "invalid JSON: "+format+" at column %d", append(args, col)...)
}

// unexpected is the syntax error for the byte at p.pos.
func (p *docParser) unexpected() error {
	if p.pos >= len(p.data) {
		return p.syntax("unexpected end of input")
	}
	return p.syntax("unexpected %s", p.charAt())
}

// expected is the syntax error for a missing what at p.pos.
func (p *docParser) expected(what string) error {
	if p.pos >= len(p.data) {
		return p.syntax("unexpected end of input")
	}
	return p.syntax("expected %s, found %s", what, p.charAt())
}

// charAt quotes the character at p.pos for a message.
func (p *docParser) charAt() string {
	r, size := utf8.DecodeRune(p.data[p.pos:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02X", p.data[p.pos])
	}
	return strconv.QuoteRune(r)
}
