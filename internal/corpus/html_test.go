package corpus

import (
	"errors"
	"strings"
	"testing"
)

func TestHTML_Files(t *testing.T) {
	tests := []struct {
		file                            string
		id, date, title, text, url, src string
		lang                            string
	}{
		{file: "testdata/html/article.html", id: "article", date: "2021-09-10",
			title: "Invented Bridge Opens", url: "https://gazette.example/news/bridge", src: "The Example Gazette", lang: "en",
			text: "Invented Bridge Opens\n\nThe new bridge opened on Friday & traffic flowed.\n\nOfficials said it took\n\nthree years."},
		{file: "testdata/html/content_div.html", id: "content_div", date: "2021-10-11", lang: "zh",
			title: "大桥通车", text: "本台消息：一座虚构的大桥今天通车。\n\n市民表示欢迎。"},
		{file: "testdata/html/gbk.html", id: "gbk", date: "2021-12-13", lang: "zh",
			title: "虚构新闻标题", text: "这是一段用GBK编码的虚构正文。"},
		{file: "testdata/html/2021/11/12/story.html", id: "story", date: "2021-11-12", lang: "en",
			title: "Date from the path", text: "Only the path has a date."},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs := walkAll(t, []string{tt.file}, Options{})
			if len(recs) != 1 || recs[0].Err != nil || recs[0].Line != 1 {
				t.Fatalf("got %v", recs)
			}
			d := recs[0].Doc
			if d.ID != tt.id || d.Date != tt.date || d.Title != tt.title || d.Text != tt.text || d.URL != tt.url || d.Source != tt.src || d.Lang != tt.lang {
				t.Errorf("got  %#v\nwant id %q date %q title %q text %q url %q source %q lang %q", d, tt.id, tt.date, tt.title, tt.text, tt.url, tt.src, tt.lang)
			}
			if strings.Contains(d.Text, "LEAK") {
				t.Errorf("text has content of a skipped element: %q", d.Text)
			}
		})
	}
}

// TestHTML_Walk checks ids relative to the walked directory and the date
// from the path.
func TestHTML_Walk(t *testing.T) {
	recs := walkAll(t, []string{"testdata/html"}, Options{})
	got := map[string]Record{}
	for _, r := range recs {
		got[r.File] = r
	}
	if r := got["testdata/html/2021/11/12/story.html"]; r.Doc.ID != "2021/11/12/story" || r.Doc.Date != "2021-11-12" {
		t.Errorf("story: %+v", r)
	}
	if r := got["testdata/html/empty.html"]; !errors.Is(r.Err, ErrNotDocument) {
		t.Errorf("empty page: %+v", r)
	}
}

func TestHTML_Text(t *testing.T) {
	tests := []struct {
		name, page, text string
	}{
		{"entities and nbsp", `<p>a&nbsp;&nbsp;b &lt;c&gt; &#20013;</p>`, "a b <c> 中"},
		{"full-width spaces collapse", "<p>\u3000\u3000段落\u3000开始</p>", "段落 开始"},
		{"inline elements join", `<p>wo<b>rd</b> <i>next</i></p>`, "word next"},
		{"table cells", `<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>`, "a b\n\nc"},
		{"hidden", `<p>seen</p><div hidden>no</div><p style="display: none">no</p><span aria-hidden="true">no</span>`, "seen"},
		{"lists", `<ul><li>one</li><li>two</li></ul>`, "one\n\ntwo"},
		{"body fallback", `<div><p>x</p></div><div class="textual">tiny</div>` + strings.Repeat("<p>long paragraph words</p>", 10), strings.TrimSuffix("x\n\ntiny\n\n"+strings.Repeat("long paragraph words\n\n", 10), "\n\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseHTML([]byte("<html><body>"+tt.page+"</body></html>"), "", "")
			if err != nil {
				t.Fatal(err)
			}
			if d.Text != tt.text {
				t.Errorf("text %q, want %q", d.Text, tt.text)
			}
		})
	}
}

// TestHTML_Charset reads an undeclared page that is not UTF-8 as
// Windows-1252, and a UTF-8 one as UTF-8.
func TestHTML_Charset(t *testing.T) {
	for in, want := range map[string]string{
		"<p>caf\xe9 \x93quoted\x94</p>": "café “quoted”",
		"<p>café “quoted”</p>":          "café “quoted”",
	} {
		d, err := parseHTML([]byte(in), "", "")
		if err != nil || d.Text != want {
			t.Errorf("parseHTML(%q) = %q, %v; want %q", in, d.Text, err, want)
		}
	}
}

func TestHTML_Title(t *testing.T) {
	tests := []struct {
		name, head, title string
	}{
		{"site suffix removed", `<title>Story - Site</title><meta property="og:site_name" content="Site">`, "Story"},
		{"pipe suffix", `<meta property="og:title" content="Story | Site"><meta property="og:site_name" content="Site">`, "Story"},
		{"unknown suffix kept", `<title>Story - Other</title><meta property="og:site_name" content="Site">`, "Story - Other"},
		{"video tag", `<title>[视频]标题</title>`, "标题"},
		{"h1 fallback", ``, "Heading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseHTML([]byte("<html><head>"+tt.head+"</head><body><h1>Heading</h1><p>x</p></body></html>"), "", "")
			if err != nil {
				t.Fatal(err)
			}
			if d.Title != tt.title {
				t.Errorf("title %q, want %q", d.Title, tt.title)
			}
		})
	}
}

func TestHTML_Date(t *testing.T) {
	tests := []struct {
		name, head, body, path, date string
	}{
		{"published_time", `<meta property="article:published_time" content="2020-01-02T23:00:00Z">`, ``, "", "2020-01-02"},
		{"pubdate name", `<meta name="pubdate" content="2020/01/03">`, ``, "", "2020-01-03"},
		{"DC.date.issued", `<meta name="DC.date.issued" content="2020-01-04">`, ``, "", "2020-01-04"},
		{"meta order beats document order", `<meta name="date" content="2020-01-09"><meta property="article:published_time" content="2020-01-05">`, ``, "", "2020-01-05"},
		{"time element", ``, `<time datetime="2020-01-06T10:00">Jan 6</time>`, "", "2020-01-06"},
		{"canonical url", `<link rel="canonical" href="https://x.example/2020/01/07/story.html">`, ``, "", "2020-01-07"},
		{"og url compact", `<meta property="og:url" content="https://x.example/20200108/story.html">`, ``, "", "2020-01-08"},
		{"file name", ``, ``, "pages/2020-01-10-story.html", "2020-01-10"},
		{"bad meta skipped", `<meta name="date" content="soon"><meta name="dc.date" content="2020-01-11">`, ``, "", "2020-01-11"},
		{"none", ``, ``, "page.html", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseHTML([]byte("<html><head>"+tt.head+"</head><body><p>x</p>"+tt.body+"</body></html>"), stemID(tt.path), tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if d.Date != tt.date {
				t.Errorf("date %q, want %q", d.Date, tt.date)
			}
		})
	}
}

// TestHTML_CCTV reads the two real pages archived from CCTV.
func TestHTML_CCTV(t *testing.T) {
	dir := sharedDir(t, "corpora/cctv-xwlb-zh/raw-sample/yuekcc-markdown-html")
	recs := walkAll(t, []string{dir + "/VIDEl5NZDVzz9e8N2y0GLpbX221207.shtml", dir + "/20221207.shtml"}, Options{})
	if len(recs) != 2 || recs[0].Err != nil || recs[1].Err != nil {
		t.Fatalf("got %v", recs)
	}
	story := recs[0].Doc
	if story.Title != "中共中央政治局召开会议 分析研究2023年经济工作 研究部署党风廉政建设和反腐败工作 中共中央总书记习近平主持会议" ||
		story.Date != "2022-12-07" || story.Lang != "zh" {
		t.Errorf("story: title %q date %q lang %q", story.Title, story.Date, story.Lang)
	}
	if !strings.HasPrefix(story.Text, "央视网消息（新闻联播）：中共中央政治局12月6日召开会议") || !strings.HasSuffix(story.Text, "会议还研究了其他事项。") {
		t.Errorf("story text: %.80q … %.80q", story.Text, story.Text[max(0, len(story.Text)-80):])
	}
	for _, junk := range []string{"编辑", "主要内容", "视频简介", "央视网首页", "function", "var "} {
		if strings.Contains(story.Text, junk) {
			t.Errorf("story text has page furniture %q", junk)
		}
	}
	index := recs[1].Doc
	if index.Date != "2022-12-07" || !strings.Contains(index.Text, "中共中央政治局召开会议") {
		t.Errorf("index page: date %q text %.80q", index.Date, index.Text)
	}
}
