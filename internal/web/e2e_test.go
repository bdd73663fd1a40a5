package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tifa-project/tifa/internal/corpus"
	"github.com/tifa-project/tifa/internal/dups"
	"github.com/tifa-project/tifa/internal/extract"
	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/server/servertest"
	"github.com/tifa-project/tifa/internal/store"
)

// The browser tests drive the page in a real headless Chromium, Debian's
// package, installed by scripts/install-chromium.sh. Without it they skip,
// except under CI (CI set), where a missing browser is a failure.
//
// TIFA_SCREENSHOTS=1 also saves the main views to doc/screenshots/;
// TIFA_CHROMIUM names another browser binary.

func chromiumPath() string {
	if p := os.Getenv("TIFA_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// xssDoc is a document made of HTML: the page must show it as text.
var xssDoc = corpus.Document{ID: "xss-1", Date: "2023-03-03", Source: `<b>Src</b>`, Lang: "en",
	Title: `<img src=x onerror="window.__pwned=1">`, Text: `<script>window.__pwned=2</script> xsscheck <img src=x onerror="window.__pwned=3"> done`}

// page is one browser tab on a served index.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu     sync.Mutex
	errors []string // uncaught exceptions and console/CSP errors
}

func newPage(t *testing.T, base string) *page {
	t.Helper()
	exe := chromiumPath()
	if _, err := os.Stat(exe); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: scripts/install-chromium.sh should have installed it", exe)
		}
		t.Skipf("no browser at %s: run scripts/install-chromium.sh (as root) to run the browser tests", exe)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	// A guard against a hung browser, not a timed assertion: the steps
	// wait for states of the page, each as long as it takes.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	p := &page{t: t, ctx: ctx, base: base}
	if err := chromedp.Listen(ctx, p.collect); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, struct{}{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, e := range p.errors {
			t.Errorf("page error: %s", e)
		}
	})
	return p
}

// collect keeps every uncaught exception and every console or browser
// error (a Content-Security-Policy violation is one).
func (p *page) collect(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		p.errors = append(p.errors, "exception: "+e.ExceptionDetails.Text+" "+describe(e.ExceptionDetails.Exception))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			p.errors = append(p.errors, "console.error")
		}
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.EntryLevelError {
			p.errors = append(p.errors, fmt.Sprintf("%s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	}
}

func describe(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	return o.Description
}

func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// wait waits until the JavaScript expression is truthy. When it never
// becomes so, the failure says what the page showed.
func (p *page) wait(expr string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(waitLimit))); err != nil {
		p.t.Fatalf("waiting for %s: %v\npage state: %s", expr, err, p.state())
	}
}

// waitLimit bounds one wait: a guard against a page that never gets
// there (so that the failure can still say what it shows), not a timed
// assertion.
const waitLimit = 90 * time.Second

// state describes the page for a failure message: the URL, the requests
// in flight, the status line and what each panel shows.
func (p *page) state() string {
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`JSON.stringify({
		url: location.pathname + location.search,
		busy: document.body.dataset.busy,
		status: document.getElementById('status').textContent,
		summary: document.getElementById('series-summary').textContent,
		results: document.querySelectorAll('#results li').length,
		tabs: Array.from(document.querySelectorAll('[role=tab]')).map(e => e.id + '=' + e.getAttribute('aria-selected')),
	})`))
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return v
}

// click clicks the element once the page has no request in flight, so
// that the layout no longer moves under the pointer.
func (p *page) click(what, sel string) {
	p.t.Helper()
	p.wait(`(document.body.dataset.busy || '0') === '0'`)
	p.do(what, chromedp.Click(chromedp.CSS(sel)))
}

func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// open loads the page at the URL path and waits until it has drawn what
// its URL asks for.
func (p *page) open(path string) {
	p.t.Helper()
	p.do("navigate "+path, chromedp.Navigate(p.base+path))
	p.wait(`document.body.dataset.ready === '1'`)
}

// screenshot saves the window, scrolled to the element top (the top of
// the page when ""), as doc/screenshots/NAME.png when TIFA_SCREENSHOTS is
// set.
func (p *page) screenshot(name, top string) {
	p.t.Helper()
	if os.Getenv("TIFA_SCREENSHOTS") == "" {
		return
	}
	scroll := `window.scrollTo(0, 0)`
	if top != "" {
		scroll = fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: 'start'})`, top)
	}
	p.do("scroll", chromedp.Evaluate[chromedp.Void](scroll))
	p.wait(`document.fonts.status === 'loaded'`)
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "doc", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// apiGet decodes the API's answer to path.
func apiGet[T any](t *testing.T, base, path string) T {
	t.Helper()
	code, _, b := servertest.Get(t, base+path)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", path, code, b)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPage_E2E walks through the page as a user does: two formulations,
// the chart, a bucket's documents, a document with its hits, the CSV
// download, KWIC, the Chinese interface and a phone-width screen.
func TestPage_E2E(t *testing.T) {
	ts := servertest.Start(t, servertest.Index(t, xssDoc), server.Config{})
	p := newPage(t, ts.URL)
	const zh, en = "动态清零", "dynamic clearing"

	// Load the page and enter two formulations.
	p.open("/?lang=en")
	p.do("type the first formulation", chromedp.SendKeys(chromedp.CSS(`#formulations .qwrap:nth-child(1) input.q`), zh))
	p.click("add a formulation", `#add-q`)
	p.do("type the second formulation", chromedp.SendKeys(chromedp.CSS(`#formulations .qwrap:nth-child(2) input.q`), en))
	p.click("submit", `#run`)

	// Two series, with first and last seen in the summary.
	p.wait(`document.querySelectorAll('#series-summary li').length === 2 && window.tifa.chart() && window.tifa.chart().series.length === 3`)
	p.wait(`document.querySelectorAll('#results li').length > 0`)
	want := apiGet[query.TrendResult](t, ts.URL, "/api/trend?q="+url.QueryEscape(zh)+"&q="+url.QueryEscape(en))
	labels := eval[[]string](p, `window.tifa.chart().series.slice(1).map(s => s.label)`)
	if strings.Join(labels, "|") != zh+"|"+en {
		t.Errorf("chart series %q", labels)
	}
	summary := eval[string](p, `document.getElementById('series-summary').textContent`)
	if !strings.Contains(summary, "first seen "+*want.Series[0].FirstSeen) || !strings.Contains(summary, "last seen "+*want.Series[1].LastSeen) {
		t.Errorf("summary %q", summary)
	}
	for _, sort := range []string{"newest", "relevance"} {
		if sort != "newest" {
			p.do("sort by "+sort, chromedp.SetValue(chromedp.CSS(`#sort`), sort), dispatchChange(`#sort`))
			p.wait(`location.search.includes('sort=` + sort + `')`)
		}
		api := apiGet[query.SearchResult](t, ts.URL, "/api/search?q="+url.QueryEscape(zh)+"&sort="+sort)
		var ids []string
		for _, h := range api.Hits {
			ids = append(ids, h.ID)
		}
		p.wait(fmt.Sprintf(`Array.from(document.querySelectorAll('#results a.doclink')).map(a => a.dataset.id).join(' ') === %q`, strings.Join(ids, " ")))
	}
	loc := eval[string](p, `location.search`)
	if v, _ := url.ParseQuery(strings.TrimPrefix(loc, "?")); strings.Join(v["q"], "|") != zh+"|"+en {
		t.Errorf("the URL does not hold the state: %s", loc)
	}

	// Hover the busiest bucket of the first series: the tooltip has its
	// numbers. Then click it: its documents are listed.
	best := 0
	for i, b := range want.Series[0].Buckets {
		if b.Hits > want.Series[0].Buckets[best].Hits {
			best = i
		}
	}
	bk := want.Series[0].Buckets[best]
	pt := eval[struct{ X, Y float64 }](p, fmt.Sprintf(`window.tifa.bucketPoint(%d)`, best))
	p.do("hover the bucket", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, pt.X, pt.Y))
	p.wait(`!document.getElementById('tooltip').hidden`)
	tip := eval[string](p, `document.getElementById('tooltip').textContent`)
	if !strings.Contains(tip, bk.Start[:7]) || !strings.Contains(tip, fmt.Sprintf("%s: %d hits, %d docs", zh, bk.Hits, bk.Docs)) {
		t.Errorf("tooltip %q for bucket %+v", tip, bk)
	}
	p.screenshot("trend", "")
	p.do("click the bucket", chromedp.MouseClickXY(pt.X, pt.Y))
	p.wait(`!document.getElementById('bucket-panel').hidden && document.querySelectorAll('#bucket-docs .docs-group').length === 2`)
	got := eval[[]string](p, `Array.from(document.querySelectorAll('#bucket-docs .docs-group:first-child a.doclink')).map(a => a.dataset.id)`)
	end := eval[string](p, fmt.Sprintf(`(() => { const d = new Date('%sT00:00:00Z'); d.setUTCMonth(d.getUTCMonth() + 1); d.setUTCDate(0); return d.toISOString().slice(0, 10); })()`, bk.Start))
	inBucket := apiGet[query.SearchResult](t, ts.URL, "/api/search?q="+url.QueryEscape(zh)+"&from="+bk.Start+"&to="+end+"&sort=newest&limit=200")
	if len(got) != int(bk.Docs) || inBucket.Total != int(bk.Docs) {
		t.Errorf("bucket %s: page lists %d documents, API %d, trend %d", bk.Start, len(got), inBucket.Total, bk.Docs)
	}
	for i, h := range inBucket.Hits {
		if i < len(got) && got[i] != h.ID {
			t.Errorf("bucket document %d: %s, API %s", i, got[i], h.ID)
		}
	}
	if !strings.Contains(eval[string](p, `location.search`), "bucket="+bk.Start) {
		t.Error("the bucket is not in the URL")
	}
	p.screenshot("bucket", "#trend-panel")

	// Open the first document: every hit is marked.
	docID := got[0]
	p.click("open the document", `#bucket-docs .docs-group:first-child a.doclink`)
	p.wait(`!document.getElementById('doc-view').hidden && document.getElementById('doc-text').textContent.length > 0`)
	d := apiGet[query.DocResult](t, ts.URL, "/api/doc/"+url.PathEscape(docID)+"?q="+url.QueryEscape(zh))
	marks := eval[[]string](p, `Array.from(document.querySelectorAll('#doc mark')).map(m => m.textContent)`)
	if len(marks) == 0 || len(marks) != len(d.TitleHits)+len(d.TextHits) {
		t.Errorf("document %s: %d marks, API %d+%d hits", docID, len(marks), len(d.TitleHits), len(d.TextHits))
	}
	for _, m := range marks {
		if m != zh {
			t.Errorf("marked %q", m)
		}
	}
	if text := eval[string](p, `document.getElementById('doc-text').textContent`); text != d.Text {
		t.Errorf("document text differs from the API's")
	}
	p.screenshot("document", "")

	// Back, then download the trend CSV: it holds the API's numbers.
	p.click("back", `#doc-back`)
	p.wait(`!document.getElementById('trend-panel').hidden && window.tifa.chart() !== null`)
	rows := readCSV(t, p.download("#dl-trend-csv"))
	wantRows := [][]string{{"query", "start", "hits", "docs", "total_docs", "total_tokens"}}
	for _, s := range want.Series {
		for _, b := range s.Buckets {
			wantRows = append(wantRows, []string{s.Query, b.Start, itoa(b.Hits), itoa(b.Docs), itoa(b.TotalDocs), itoa(b.TotalTokens)})
		}
	}
	if fmt.Sprint(rows) != fmt.Sprint(wantRows) {
		t.Errorf("downloaded CSV differs from the API:\n got %v\nwant %v", rows, wantRows)
	}
	var js query.TrendResult
	if err := json.Unmarshal(p.download("#dl-trend-json"), &js); err != nil || !reflect.DeepEqual(js, want) {
		t.Errorf("downloaded JSON differs from the API (%v)", err)
	}
	if png := p.download("#dl-chart-png"); !strings.HasPrefix(string(png), "\x89PNG\r\n") || len(png) < 1000 {
		t.Errorf("chart PNG: %d bytes starting %q", len(png), png[:min(8, len(png))])
	}

	// Bucket size and y axis change the chart and the URL.
	p.do("by year", chromedp.SetValue(chromedp.CSS(`#by`), "year"), dispatchChange(`#by`))
	p.wait(`window.tifa.trend() && window.tifa.trend().by === 'year' && window.tifa.chart().data[0].length === 5`)
	p.do("share of documents", chromedp.SetValue(chromedp.CSS(`#y`), "share"), dispatchChange(`#y`))
	p.wait(`location.search.includes('by=year') && location.search.includes('y=share')`)
	share := eval[float64](p, `window.tifa.chart().data[1][2]`)
	year := apiGet[query.TrendResult](t, ts.URL, "/api/trend?q="+url.QueryEscape(zh)+"&q="+url.QueryEscape(en)+"&by=year")
	if y := year.Series[0].Buckets[2]; fmt.Sprintf("%.6f", share) != fmt.Sprintf("%.6f", float64(y.Docs)/float64(y.TotalDocs)*100) {
		t.Errorf("share for %s: %v, API %d/%d", y.Start, share, y.Docs, y.TotalDocs)
	}

	// KWIC: aligned lines, sortable by the right context.
	p.click("KWIC tab", `#tab-kwic`)
	kw := apiGet[query.KWICResult](t, ts.URL, "/api/kwic?q="+url.QueryEscape(zh)+"&limit=500")
	p.wait(fmt.Sprintf(`document.querySelectorAll('#kwic .match').length === %d`, len(kw.Lines)))
	p.do("sort by right context", chromedp.SetValue(chromedp.CSS(`#ksort`), "right"), dispatchChange(`#ksort`))
	p.wait(`location.search.includes('ksort=right')`)
	rights := eval[[]string](p, `Array.from(document.querySelectorAll('#kwic .right')).map(e => e.textContent)`)
	sorted := eval[bool](p, `(() => { const c = new Intl.Collator('en'); const r = Array.from(document.querySelectorAll('#kwic .right')).map(e => e.textContent); return r.every((x, i) => i === 0 || c.compare(r[i-1], x) <= 0); })()`)
	if len(rights) != len(kw.Lines) || !sorted {
		t.Errorf("KWIC sorted by right context: %d lines (API %d), sorted %v", len(rights), len(kw.Lines), sorted)
	}
	p.screenshot("kwic", "#lists-panel")

	// The state in the URL: a fresh load of it shows the same view.
	shared := eval[string](p, `location.pathname + location.search`)
	p.open(shared)
	p.wait(`document.querySelectorAll('#kwic .match').length > 0 && window.tifa.trend() && window.tifa.trend().by === 'year'`)
	if v := eval[[]string](p, `Array.from(document.querySelectorAll('#formulations input.q')).map(i => i.value)`); strings.Join(v, "|") != zh+"|"+en {
		t.Errorf("formulations after reload: %q", v)
	}

	// Lifecycle and collocates: each series' peak (and gaps) are in the
	// summary as the API gives them, and the collocates tab lists the
	// API's collocates of the first formulation.
	type lifecycle struct {
		Series []struct {
			Peak *struct{ Start string }
			Gaps []struct{ From, To string }
		}
	}
	life := apiGet[lifecycle](t, ts.URL, "/api/lifecycle?q="+url.QueryEscape(zh)+"&q="+url.QueryEscape(en)+"&by=year")
	p.wait(`window.tifa.lifecycle() && window.tifa.lifecycle().by === 'year'`)
	if got := eval[lifecycle](p, `window.tifa.lifecycle()`); !reflect.DeepEqual(got, life) || life.Series[0].Peak == nil {
		t.Errorf("page lifecycle %+v, API %+v", got, life)
	}
	if s := eval[string](p, `document.getElementById('series-summary').textContent`); !strings.Contains(s, "peak "+life.Series[0].Peak.Start[:4]) {
		t.Errorf("summary without the peak: %q", s)
	}
	p.click("collocates tab", `#tab-colloc`)
	co := apiGet[struct{ Collocates []struct{ Item string } }](t, ts.URL, "/api/collocates?q="+url.QueryEscape(zh))
	p.wait(fmt.Sprintf(`window.tifa.collocates() && document.querySelectorAll('#colloc tbody tr').length === %d && location.search.includes('tab=colloc')`, len(co.Collocates)))
	var wantItems []string
	for _, c := range co.Collocates {
		wantItems = append(wantItems, c.Item)
	}
	if got := eval[[]string](p, `Array.from(document.querySelectorAll('#colloc tbody td:first-child')).map(td => td.textContent)`); len(wantItems) == 0 || strings.Join(got, "|") != strings.Join(wantItems, "|") {
		t.Errorf("collocates tab lists %q, API %q", got, wantItems)
	}
	p.screenshot("collocates", "#lists-panel")

	// The Chinese interface.
	p.click("switch to Chinese", `#lang`)
	p.wait(`document.documentElement.lang === 'zh-CN' && document.getElementById('run').textContent === '显示'`)
	p.click("documents tab", `#tab-results`)
	p.wait(`document.querySelectorAll('#results li').length > 0 && document.getElementById('series-summary').textContent.includes('首次出现')`)
	p.screenshot("zh", "")

	// A parse error is shown under its box, with its column.
	p.open("/?lang=en")
	p.do("type a bad query", chromedp.SendKeys(chromedp.CSS(`#formulations input.q`), "(共同富裕 OR"))
	p.wait(`!document.querySelector('.qerr').hidden`)
	if e := eval[string](p, `document.querySelector('.qerr').textContent`); !strings.Contains(e, "column 9") || !strings.Contains(e, "expected a phrase") {
		t.Errorf("parse error shown as %q", e)
	}
	p.screenshot("parse-error", "")

	// A document made of HTML is shown as text, and runs nothing.
	p.open("/?lang=en&q=xsscheck")
	p.wait(`document.querySelectorAll('#results li').length === 1`)
	if title := eval[string](p, `document.querySelector('#results .title').textContent`); title != xssDoc.Title {
		t.Errorf("title shown as %q", title)
	}
	p.click("open it", `#results a.doclink`)
	p.wait(`document.getElementById('doc-text').textContent.includes('xsscheck')`)
	if n := eval[int](p, `document.querySelectorAll('#doc img, #doc script, #doc b').length`); n != 0 {
		t.Errorf("the document's HTML became %d elements", n)
	}
	if pwned := eval[bool](p, `window.__pwned !== undefined`); pwned {
		t.Error("the document's HTML ran")
	}

	// A phone-width screen: the chart fits.
	p.do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	p.open("/?lang=en&q=" + url.QueryEscape(zh) + "&q=" + url.QueryEscape(en) + "&by=year")
	p.wait(`window.tifa.chart() && document.querySelectorAll('#results li').length > 0`)
	if w := eval[float64](p, `document.querySelector('#chart .uplot').getBoundingClientRect().width`); w > 390 {
		t.Errorf("chart %v px wide on a 390 px screen", w)
	}
	if w := eval[float64](p, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("page %v px wide on a 390 px screen", w)
	}
	p.screenshot("phone", "")
}

// download clicks the button and returns the file the browser saved.
func (p *page) download(button string) []byte {
	p.t.Helper()
	dir := p.t.TempDir()
	on := true
	if _, err := chromedp.CallBrowser(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on}); err != nil {
		p.t.Fatal(err)
	}
	progress := chromedp.BrowserEvents(p.ctx, browser.DownloadProgress)
	p.click("click "+button, button)
	for ev, err := range progress {
		if err != nil {
			p.t.Fatalf("waiting for the download: %v", err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				p.t.Fatal(err)
			}
			return b
		case browser.DownloadProgressStateCanceled:
			p.t.Fatal("download canceled")
		}
	}
	p.t.Fatal("no download")
	return nil
}

// dispatchChange fires a change event on the element, as a user's choice
// in a select does (SetValue sets the value only).
func dispatchChange(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event('change'))`, sel))
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV: %v\n%s", err, b)
	}
	return rows
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// readouts are invented readouts for the meeting card: a Chinese readout
// with two numbered directives, an English one, a story without meeting.
var readouts = []corpus.Document{
	{ID: "r1", Date: "2021-03-27", Source: "Daily", Lang: "zh", Title: "江北省委常委会召开会议 张明远主持", Text: "26日上午，省委常委会召开会议。省委书记张明远主持会议。\n\n会议强调，要坚持“稳中求进”。一是抓春耕，保粮食。二是稳就业，扩内需。\n\n会议还研究了其他事项。"},
	{ID: "r3", Date: "2021-05-20", Source: "Paper", Lang: "en", Title: "Committee meets", Text: "On the 19th, the Standing Committee of the Municipal Party Committee held a meeting. Li Ming, Secretary of the Municipal Party Committee, presided over the meeting. First, stabilize employment. Second, protect the \"green\" transition."},
	{ID: "s1", Date: "2021-04-11", Source: "Daily", Lang: "zh", Title: "春耕忙", Text: "各地抓春耕，坚持“稳中求进”。"},
}

// readoutIndex is an index of readouts with their records.
func readoutIndex(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if err := store.WriteDocs(dir, store.Options{Annotators: []store.Annotator{extract.Annotator()}}, readouts); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPage_Readouts: the meeting card of a readout (body, presider,
// numbered directives), no card where the index has no records, the
// people view reached from the card, the formulations list.
func TestPage_Readouts(t *testing.T) {
	ts := servertest.Start(t, readoutIndex(t), server.Config{})
	p := newPage(t, ts.URL)

	p.open("/?lang=en&doc=r1")
	p.wait(`!document.getElementById('meeting-card').hidden`)
	if got := eval[[]string](p, `Array.from(document.querySelectorAll('#meeting-directives li')).map(li => li.value + ' ' + li.textContent)`); !reflect.DeepEqual(got, []string{"1 一是抓春耕，保粮食。", "2 二是稳就业，扩内需。"}) {
		t.Errorf("directives shown as %q", got)
	}
	if got := eval[string](p, `document.querySelector('#meeting-fields dd.body').textContent + '|' + document.querySelector('#meeting-fields dd.presiders').textContent`); got != "江北省委常委会|张明远" {
		t.Errorf("meeting card shows %q", got)
	}
	if got := eval[string](p, `document.getElementById('meeting-formulations').textContent`); got != "“稳中求进”" {
		t.Errorf("formulations shown as %q", got)
	}
	p.screenshot("meeting-card", "#doc")

	// The English readout; then a story without meeting: no directives.
	p.open("/?lang=en&doc=r3")
	p.wait(`!document.getElementById('meeting-card').hidden && document.querySelectorAll('#meeting-directives li').length === 2`)
	if got := eval[string](p, `document.querySelector('#meeting-fields dd.presiders').textContent`); got != "Li Ming" {
		t.Errorf("English presider shown as %q", got)
	}
	p.open("/?lang=en&doc=s1")
	p.wait(`document.getElementById('doc-text').textContent.includes('春耕')`)
	p.wait(`(document.body.dataset.busy || '0') === '0'`)
	if n := eval[int](p, `document.querySelectorAll('#meeting-directives li, #meeting-fields dt').length`); n != 0 {
		t.Errorf("a story without meeting shows %d meeting fields", n)
	}

	// From the card to the person's titles over time.
	p.open("/?lang=en&doc=r1")
	p.wait(`document.querySelectorAll('#meeting-people button').length === 1`)
	p.click("the presider", `#meeting-people button`)
	p.wait(`!document.getElementById('records-view').hidden && document.querySelectorAll('#people-list details.person').length === 1`)
	if got := eval[string](p, `document.querySelector('#people-list details.person[open] td.title').textContent`); got != "省委书记" {
		t.Errorf("people view: title %q", got)
	}
	if !strings.Contains(eval[string](p, `location.search`), "view=people") {
		t.Error("people view not in the URL")
	}

	// The formulations list, and from a formulation to its trend.
	p.open("/?lang=en&view=formulations")
	p.wait(`document.querySelectorAll('#formulations-table tr.formulation').length > 0`)
	if got := eval[string](p, `document.querySelector('#formulations-table tr.formulation').textContent`); !strings.HasPrefix(got, "稳中求进2") {
		t.Errorf("first formulation row %q", got)
	}
	p.click("the formulation", `#formulations-table tr.formulation button`)
	p.wait(`document.querySelectorAll('#series-summary li').length === 1`)
}

// TestPage_NoRecords: over an index without records the document view
// shows no card and asks for no record (no failed request in the console).
func TestPage_NoRecords(t *testing.T) {
	ts := servertest.Start(t, servertest.Index(t, xssDoc), server.Config{})
	p := newPage(t, ts.URL)
	p.open("/?lang=en&doc=" + url.QueryEscape(xssDoc.ID))
	p.wait(`document.getElementById('doc-text').textContent.includes('xsscheck')`)
	p.wait(`(document.body.dataset.busy || '0') === '0'`)
	if !eval[bool](p, `document.getElementById('meeting-card').hidden`) {
		t.Error("a meeting card over an index without records")
	}
}

// TestPage_Collapse: "Duplicates once" sends collapse=1 to the trend, the
// results and KWIC, keeps it in the URL, and the chart then shows the
// API's collapsed counts: one wire story printed by three outlets is one
// document.
func TestPage_Collapse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	wire := "新华社北京电 记者从有关部门获悉，今年以来各地扎实推动共同富裕，城乡居民收入稳步增长，公共服务均等化水平持续提高。（虚构的示例稿件）"
	docs := []corpus.Document{
		{ID: "w1", Date: "2022-03-01", Source: "甲日报（虚构）", Title: "扎实推动共同富裕", Text: wire},
		{ID: "w2", Date: "2022-03-02", Source: "乙日报（虚构）", Title: "扎实推动共同富裕", Text: wire},
		{ID: "w3", Date: "2022-03-02", Source: "丙日报（虚构）", Title: "扎实推动共同富裕", Text: wire},
		{ID: "o1", Date: "2022-05-09", Source: "甲日报（虚构）", Title: "夏粮生产", Text: "各地抓好夏粮生产，促进农民增收，助力共同富裕。（虚构）"},
	}
	if err := store.WriteDocs(dir, store.Options{Annotators: []store.Annotator{dups.Annotator()}}, docs); err != nil {
		t.Fatal(err)
	}
	ts := servertest.Start(t, dir, server.Config{})
	q := url.QueryEscape("共同富裕")
	all := apiGet[query.TrendResult](t, ts.URL, "/api/trend?q="+q+"&by=year")
	once := apiGet[query.TrendResult](t, ts.URL, "/api/trend?q="+q+"&by=year&collapse=1")
	docsOf := func(r query.TrendResult) int64 {
		var n int64
		for _, b := range r.Series[0].Buckets {
			n += int64(b.Docs)
		}
		return n
	}
	if docsOf(all) != 4 || docsOf(once) != 2 {
		t.Fatalf("API: %d documents, %d collapsed; want 4 and 2", docsOf(all), docsOf(once))
	}

	p := newPage(t, ts.URL)
	p.open("/?lang=en&q=" + q + "&by=year")
	p.wait(`window.tifa.trend() && document.querySelectorAll('#results li').length === 4`)
	p.click("duplicates once", `#collapse`)
	p.wait(`location.search.includes('collapse=1') && document.querySelectorAll('#results li').length === 2`)
	p.wait(`(document.body.dataset.busy || '0') === '0'`)
	if got := eval[int64](p, `window.tifa.trend().series[0].buckets.reduce((n, b) => n + b.docs, 0)`); got != docsOf(once) {
		t.Errorf("collapsed chart: %d documents, API %d", got, docsOf(once))
	}
	if ids := eval[[]string](p, `Array.from(document.querySelectorAll('#results a.doclink')).map(a => a.dataset.id)`); !reflect.DeepEqual(ids, []string{"o1", "w1"}) {
		t.Errorf("collapsed results %q, want the other story and the earliest print of the wire story", ids)
	}
	// The state is in the URL.
	shared := eval[string](p, `location.pathname + location.search`)
	p.open(shared)
	p.wait(`document.getElementById('collapse').checked && document.querySelectorAll('#results li').length === 2`)
}
