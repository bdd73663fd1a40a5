package analysis

import "testing"

func TestParsePeriod_Cases(t *testing.T) {
	for _, c := range []struct{ in, from, to, unit, before3 string }{
		{"2022", "2022-01-01", "2022-12-31", "year", "2019-01-01..2021-12-31"},
		{"2022-Q3", "2022-07-01", "2022-09-30", "quarter", "2021-10-01..2022-06-30"},
		{"2022-q1", "2022-01-01", "2022-03-31", "quarter", "2021-04-01..2021-12-31"},
		{"2020-02", "2020-02-01", "2020-02-29", "month", "2019-11-01..2020-01-31"},
		{"2020-03", "2020-03-01", "2020-03-31", "month", "2019-12-01..2020-02-29"},
		{"2024-03-01", "2024-03-01", "2024-03-01", "day", "2024-02-27..2024-02-29"},
		{"2019..2021-06", "2019-01-01", "2021-06-30", "", ""},
	} {
		p, err := ParsePeriod(c.in)
		if err != nil || p.From != c.from || p.To != c.to || p.Unit != c.unit {
			t.Errorf("ParsePeriod(%q) = %+v, %v; want %s…%s %s", c.in, p, err, c.from, c.to, c.unit)
			continue
		}
		b, err := p.Before(3)
		if got := b.From + ".." + b.To; c.before3 != "" && (err != nil || got != c.before3) {
			t.Errorf("%q before 3: %s, %v; want %s", c.in, got, err, c.before3)
		}
		if c.before3 == "" && err == nil {
			t.Errorf("%q: a range has no periods before it", c.in)
		}
	}
	for _, bad := range []string{"", "22", "2022-13", "2022-Q5", "2022-02-30", "2022..2021", "x..2022", "2022-1"} {
		if p, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) = %+v, want an error", bad, p)
		}
	}
}
