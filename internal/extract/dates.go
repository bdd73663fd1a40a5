package extract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// resolve turns a partial date (year, month 0 when not written) into
// YYYY-MM-DD against the publication date pub: the latest such day on or
// before pub. It returns "" when it cannot.
func resolve(pub string, y, m, d int) string {
	p, err := time.Parse("2006-01-02", pub)
	if err != nil {
		if y > 0 && m > 0 && valid(y, m, d) {
			return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
		}
		return ""
	}
	switch {
	case y > 0 && m > 0:
	case m > 0:
		y = p.Year()
		if m > int(p.Month()) || m == int(p.Month()) && d > p.Day() {
			y--
		}
	default:
		y, m = p.Year(), int(p.Month())
		if d > p.Day() {
			m--
			if m == 0 {
				y, m = y-1, 12
			}
		}
	}
	if !valid(y, m, d) {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func valid(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

// zhDateRE is a written day: [YYYY年][M月]D日, not a dateline (…日讯, …日电).
var zhDateRE = regexp.MustCompile(`(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})[日号]`)

func sub(s string, m []int, g int) string {
	if m[2*g] < 0 {
		return ""
	}
	return s[m[2*g]:m[2*g+1]]
}

var (
	enMonths = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
		"january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12}
	enWeekdays = map[string]time.Weekday{"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6}
	// on the 19th / on the morning of the 19th / on Nov. 19[, 2020] / on Wednesday
	enDateRE = regexp.MustCompile(`(?i)\bon (?:the (?:morning|afternoon|evening|night) of )?(?:the (\d{1,2})(?:st|nd|rd|th)\b|([A-Z][a-z]{2,8})\.? (\d{1,2})(?:st|nd|rd|th)?(?:, (\d{4}))?\b|(Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday)\b)`)
)

// enDate returns the first day named in s ("on the 19th", "on Nov. 19",
// "on Wednesday"), resolved against pub.
func enDate(s, pub string) string {
	for _, m := range enDateRE.FindAllStringSubmatchIndex(s, 10) {
		switch {
		case m[2] >= 0:
			d, _ := strconv.Atoi(sub(s, m, 1))
			if r := resolve(pub, 0, 0, d); r != "" {
				return r
			}
		case m[4] >= 0:
			mo, ok := enMonths[strings.ToLower(sub(s, m, 2))]
			if !ok {
				continue
			}
			d, _ := strconv.Atoi(sub(s, m, 3))
			y, _ := strconv.Atoi(sub(s, m, 4))
			if r := resolve(pub, y, mo, d); r != "" {
				return r
			}
		case m[10] >= 0:
			p, err := time.Parse("2006-01-02", pub)
			if err != nil {
				continue
			}
			wd := enWeekdays[strings.ToLower(sub(s, m, 5))]
			back := (int(p.Weekday()) - int(wd) + 7) % 7
			return p.AddDate(0, 0, -back).Format("2006-01-02")
		}
	}
	return ""
}
