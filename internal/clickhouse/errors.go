package clickhouse

import "errors"

// Errors a user of the ClickHouse engine meets. Each is wrapped with
// context (the server address, the table) and can be tested with
// errors.Is.
var (
	// ErrUnreachable: no ClickHouse server answers at the address.
	ErrUnreachable = errors.New("clickhouse: server unreachable")
	// ErrAuth: the server refused the user name or password.
	ErrAuth = errors.New("clickhouse: authentication failed")
	// ErrNoTable: the database or the documents table does not exist yet.
	ErrNoTable = errors.New("clickhouse: no documents table")
	// ErrTooOld: the server lacks a function or feature tifa needs.
	ErrTooOld = errors.New("clickhouse: server too old")
	// ErrBadURL: the --engine address cannot be read.
	ErrBadURL = errors.New("clickhouse: bad engine address")
)

// ServerError is an exception reported by the server: its code and text.
type ServerError struct {
	Code int
	Msg  string
}

func (e *ServerError) Error() string { return "clickhouse: " + e.Msg }

// Exception codes of ClickHouse that tifa tells apart.
const (
	codeUnknownTable    = 60
	codeUnknownDatabase = 81
	codeUnknownFunction = 46
	codeUnknownUser     = 192
	codeWrongPassword   = 193
	codeRequiredPass    = 194
	codeAuthFailed      = 516
)
