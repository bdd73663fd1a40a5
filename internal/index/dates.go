package index

import "time"

// Day converts "YYYY-MM-DD" to days since 1970-01-01; "" or an invalid date
// gives NoDate.
func Day(s string) int32 {
	if s == "" {
		return NoDate
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return NoDate
	}
	return int32(t.Unix() / 86400)
}

// DayString formats a day number as "YYYY-MM-DD" ("" for NoDate).
func DayString(d int32) string {
	if d == NoDate {
		return ""
	}
	return time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly)
}
