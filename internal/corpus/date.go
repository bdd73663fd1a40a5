package corpus

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParseDate normalises a date string to "YYYY-MM-DD". "" gives "" (undated,
// no error). It finds the first date written in one of these forms and
// takes its calendar day, ignoring any time of day or zone around it:
//
//	2022-08-20  2022/8/20  2022.08.20  20220820  2022-08-20T10:00:00+08:00
//	2022年8月20日  20-Aug-2022  26-FEB-1987 15:01:01.79  20 August 2022
//	Aug 20, 2022  Published: Mar 24, 2022 06:46 PM  15:45, 23-Mar-2022
//
// Day-month orders that cannot be told apart (08/05/2022) and two-digit
// years are not read. A date that is not a real calendar day (2022-13-45)
// or a string with no date ("yesterday") is an error saying what was
// expected; it wraps ErrField. Cost: no allocation for YYYY-MM-DD, a few
// regular-expression scans otherwise.
func ParseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if isISODate(s) {
		if validDay(atoi(s[0:4]), atoi(s[5:7]), atoi(s[8:10])) {
			return s, nil
		}
		return "", badDate(s)
	}
	y, m, d, ok := findDate(s)
	if !ok || !validDay(y, m, d) {
		return "", badDate(s)
	}
	return formatDay(y, m, d), nil
}

func badDate(s string) error {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return reject(ErrField, "date %q is not a valid date (want YYYY-MM-DD)", validUTF8(s))
}

// isISODate reports whether s has the shape DDDD-DD-DD.
func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := range 10 {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// atoi reads a run of ASCII digits known to be short.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// validDay reports whether y-m-d is a day of the (proleptic Gregorian)
// calendar with a four-digit year.
func validDay(y, m, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func formatDay(y, m, d int) string {
	b := make([]byte, 0, 10)
	b = appendPad(b, y, 4)
	b = append(b, '-')
	b = appendPad(b, m, 2)
	b = append(b, '-')
	b = appendPad(b, d, 2)
	return string(b)
}

func appendPad(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

const monthRE = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

// The date forms findDate looks for. Each names its parts by group.
var dateForms = []struct {
	re      *regexp.Regexp
	y, m, d int // submatch index of year, month, day
}{
	// 2022-08-20, 2022/8/20, 2022.08.20 (both separators alike, checked below)
	{re: regexp.MustCompile(`(?:^|[^0-9])([0-9]{4})([-/.])([0-9]{1,2})([-/.])([0-9]{1,2})(?:$|[^0-9])`), y: 1, m: 3, d: 5},
	// 20220820, 20220820T101010Z
	{re: regexp.MustCompile(`(?:^|[^0-9])([0-9]{4})([0-9]{2})([0-9]{2})(?:$|[^0-9])`), y: 1, m: 2, d: 3},
	// 2022年8月20日
	{re: regexp.MustCompile(`([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]`), y: 1, m: 2, d: 3},
	// 20-Aug-2022, 26-FEB-1987, 20 August 2022, 1st Aug. 2022
	{re: regexp.MustCompile(`(?i)(?:^|[^0-9])([0-9]{1,2})(?:st|nd|rd|th)?[-\s./]*\b` + monthRE + `[-\s,./]*([0-9]{4})(?:$|[^0-9])`), y: 3, m: 2, d: 1},
	// Aug 20, 2022, November 06, 2020
	{re: regexp.MustCompile(`(?i)\b` + monthRE + `\s*([0-9]{1,2})(?:st|nd|rd|th)?,?\s*([0-9]{4})(?:$|[^0-9])`), y: 3, m: 1, d: 2},
}

// findDate returns the parts of the leftmost date in s in any of
// dateForms.
func findDate(s string) (y, m, d int, ok bool) {
	best := -1
	for _, f := range dateForms {
		loc := f.re.FindStringSubmatchIndex(s)
		if loc == nil || (best >= 0 && loc[0] >= best) {
			continue
		}
		part := func(i int) string { return s[loc[2*i]:loc[2*i+1]] }
		if f.m == 3 && f.d == 5 && part(2) != part(4) {
			continue // 2022-08/20: mixed separators
		}
		mm, isNum := strconv.Atoi(part(f.m))
		if isNum != nil {
			mm = monthNumber(part(f.m))
		}
		best, y, m, d, ok = loc[0], atoi(part(f.y)), mm, atoi(part(f.d)), true
	}
	return y, m, d, ok
}

// monthNumber is the number of an English month name or abbreviation.
func monthNumber(name string) int {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if len(name) < 3 {
		return 0
	}
	const months = "janfebmaraprmayjunjulaugsepoctnovdec"
	if i := strings.Index(months, name[:3]); i >= 0 && i%3 == 0 {
		return i/3 + 1
	}
	return 0
}
