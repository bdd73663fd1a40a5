package dups

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tifa-project/tifa/internal/index"
	"github.com/tifa-project/tifa/internal/query"
)

// ListRequest asks for the clusters with a document within Filter (dates,
// sources) and at least MinSize documents, largest first (Sort "size",
// the default) or earliest first ("date"), at most Limit of them.
type ListRequest struct {
	Filter  query.Filter
	MinSize int // default 2
	Sort    string
	Limit   int // default 50
}

// ListResult is what `tifa dups --json` prints and /api/dups answers.
type ListResult struct {
	Docs          int    `json:"docs"`
	Signed        int    `json:"signed"`
	Clusters      int    `json:"clusters"`
	Duplicates    int    `json:"duplicates"`
	Exact         int    `json:"exact"`
	CollapsedDocs int    `json:"collapsed_docs"`
	Params        Params `json:"params"`
	// Total counts the clusters listed before Limit.
	Total int           `json:"total"`
	Items []ListCluster `json:"items"`
}

// Params are the parameters the clusters were made with.
type Params struct {
	Shingle   int     `json:"shingle"`
	K         int     `json:"k"`
	Bands     int     `json:"bands"`
	Rows      int     `json:"rows"`
	Threshold float64 `json:"threshold"`
	MaxDays   int     `json:"max_days"`
}

// ListCluster is one cluster: the id and title of its earliest document,
// its size, first and last dates, sources (most documents first) and the
// ids of its members, earliest first.
type ListCluster struct {
	Size      int           `json:"size"`
	FirstDate string        `json:"first_date"`
	LastDate  string        `json:"last_date"`
	Sources   []SourceCount `json:"sources"`
	ID        string        `json:"id"`
	Title     string        `json:"title"`
	Members   []string      `json:"members"`
}

// SourceCount is a source and its number of members.
type SourceCount struct {
	Name string `json:"name"`
	Docs int    `json:"docs"`
}

// Select lists the clusters of c that r asks for. A cluster is listed when
// one of its documents passes the filter; its size, dates and sources
// count all its documents.
func (c *Clusters) Select(r ListRequest) (*ListResult, error) {
	if r.MinSize == 0 {
		r.MinSize = 2
	}
	if r.Limit == 0 {
		r.Limit = 50
	}
	if r.Sort == "" {
		r.Sort = "size"
	}
	switch {
	case r.MinSize < 2:
		return nil, fmt.Errorf("min size %d: want at least 2", r.MinSize)
	case r.Limit < 1:
		return nil, fmt.Errorf("limit %d: want at least 1", r.Limit)
	case r.Sort != "size" && r.Sort != "date":
		return nil, fmt.Errorf("sort %q: want size or date", r.Sort)
	}
	from, to := int32(-1<<31), index.NoDate-1
	if r.Filter.From != "" {
		if from = index.Day(r.Filter.From); from == index.NoDate {
			return nil, fmt.Errorf("--from %q is not a date (want YYYY-MM-DD)", r.Filter.From)
		}
	}
	if r.Filter.To != "" {
		if to = index.Day(r.Filter.To); to == index.NoDate {
			return nil, fmt.Errorf("--to %q is not a date (want YYYY-MM-DD)", r.Filter.To)
		}
	}
	dated := r.Filter.From != "" || r.Filter.To != ""
	in := func(m Member) bool {
		if dated && (m.Date < from || m.Date > to) {
			return false
		}
		if len(r.Filter.Sources) == 0 {
			return true
		}
		src := c.source(m)
		for _, s := range r.Filter.Sources {
			if strings.EqualFold(s, src) {
				return true
			}
		}
		return false
	}
	res := &ListResult{Docs: c.Docs, Signed: c.Signed, Clusters: len(c.List), Duplicates: c.Duplicates,
		Exact: c.Exact, CollapsedDocs: c.Docs - c.Duplicates, Items: []ListCluster{},
		Params: Params{Shingle: Shingle, K: K, Bands: Bands, Rows: Rows, Threshold: Threshold, MaxDays: MaxDays}}
	var list []*Cluster
	for i := range c.List {
		k := &c.List[i]
		if len(k.Members) < r.MinSize {
			continue
		}
		for _, m := range k.Members {
			if in(m) {
				list = append(list, k)
				break
			}
		}
	}
	if r.Sort == "size" {
		sort.SliceStable(list, func(a, b int) bool { return len(list[a].Members) > len(list[b].Members) })
	}
	res.Total = len(list)
	for _, k := range list[:min(r.Limit, len(list))] {
		item, err := c.describe(k)
		if err != nil {
			return nil, err
		}
		res.Items = append(res.Items, item)
	}
	return res, nil
}

func (c *Clusters) source(m Member) string {
	g := c.Snap.Segments[m.Seg]
	return g.Strings[g.Sources[m.Doc]]
}

func (c *Clusters) describe(k *Cluster) (ListCluster, error) {
	ms := k.Members
	it := ListCluster{Size: len(ms), FirstDate: dayText(ms[0].Date), ID: ms[0].ID, Members: []string{}}
	last := ms[0].Date
	bySrc := map[string]int{}
	for _, m := range ms {
		if m.Date != index.NoDate {
			last = m.Date
		}
		bySrc[c.source(m)]++
		it.Members = append(it.Members, m.ID)
	}
	it.LastDate = dayText(last)
	for name, n := range bySrc {
		it.Sources = append(it.Sources, SourceCount{name, n})
	}
	sort.Slice(it.Sources, func(a, b int) bool {
		if it.Sources[a].Docs != it.Sources[b].Docs {
			return it.Sources[a].Docs > it.Sources[b].Docs
		}
		return it.Sources[a].Name < it.Sources[b].Name
	})
	d, err := c.Snap.Segments[ms[0].Seg].Doc(ms[0].Doc)
	if err != nil {
		return it, err
	}
	it.Title = d.Title
	return it, nil
}

func dayText(d int32) string {
	if d == index.NoDate {
		return ""
	}
	return index.DayString(d)
}
