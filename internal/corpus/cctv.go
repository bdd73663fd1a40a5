package corpus

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"

	"golang.org/x/net/html"
)

// cctvDump is the JSON of CCTV's programme video-list API, one file per
// broadcast day (YYYYMMDD.json), as archived by the china-data/xwlb
// project for Xinwen Lianbo: each story's transcript is HTML in
// video_detail.content.
type cctvDump struct {
	VideoList []cctvItem `json:"videoList"`
}

type cctvItem struct {
	VideoID string `json:"video_id"`
	Title   string `json:"video_title"`
	URL     string `json:"video_url"`
	PubDate string `json:"pub_date"`
	Detail  struct {
		ID      string `json:"id"`
		Title   string `json:"title"`
		Content string `json:"content"`
		URL     string `json:"url"`
		PubTime string `json:"pubtime"`
	} `json:"video_detail"`
}

// cctvSource is the source of cctvStories documents when Options.Source
// is not set: the programme these lists are archived for.
const cctvSource = "CCTV Xinwen Lianbo"

// cctvStories reads obj as a CCTV video-list dump and returns one document
// per story: id "xwlb-" and the video id, date from the file name
// (YYYYMMDD) else the story's publication time, title without its
// "[视频]" tag, text from the transcript HTML (as htmlText), url of the
// story page, source the given one else cctvSource. A story without a
// transcript keeps its title. ok is false when obj is not such a dump.
// Cost: the object is decoded twice (a check, then the stories).
func cctvStories(obj []byte, file, source string) (docs []Document, ok bool) {
	if !bytes.Contains(obj, []byte(`"videoList"`)) {
		return nil, false
	}
	var dump cctvDump
	if err := json.Unmarshal(obj, &dump); err != nil || dump.VideoList == nil {
		return nil, false
	}
	if source == "" {
		source = cctvSource
	}
	day := ""
	if stem := filepath.Base(stemID(filepath.Base(file))); len(stem) == 8 {
		day, _ = ParseDate(stem)
	}
	for _, it := range dump.VideoList {
		d := Document{
			ID:     firstNonEmpty(it.VideoID, it.Detail.ID),
			Date:   day,
			Source: source,
			Title:  strings.TrimPrefix(strings.TrimSpace(firstNonEmpty(it.Detail.Title, it.Title)), "[视频]"),
			URL:    firstNonEmpty(it.Detail.URL, it.URL),
		}
		if d.ID != "" {
			d.ID = "xwlb-" + d.ID
		}
		if d.Date == "" {
			d.Date, _ = ParseDate(firstNonEmpty(it.PubDate, it.Detail.PubTime))
		}
		if it.Detail.Content != "" {
			if root, err := html.Parse(strings.NewReader(it.Detail.Content)); err == nil {
				d.Text = htmlText(root)
			}
		}
		docs = append(docs, d)
	}
	return docs, true
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
