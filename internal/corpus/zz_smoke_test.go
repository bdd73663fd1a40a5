package corpus

import (
	"context"
	"fmt"
	"testing"
)

func TestZZSmoke(t *testing.T) {
	err := Walk(context.Background(), []string{"/work/shared/corpora/cctv-xwlb-zh/raw-sample", "/work/shared/corpora/covid-origins-news-en/raw-sample", "/work/shared/corpora/cpcnews-zh/raw-sample", "/work/shared/corpora/peoplesdaily-online-en/raw-sample", "/work/shared/corpora/reuters21578-en/raw-sample", "/work/shared/corpora/state-media-headlines-en/raw-sample", "/work/shared/seed"}, Options{}, func(r Record) error {
		if r.Err != nil {
			fmt.Printf("REJECT %s:%d: %v\n", r.File, r.Line, r.Err)
			return nil
		}
		d := r.Doc
		txt := d.Text
		if len([]rune(txt)) > 80 {
			txt = string([]rune(txt)[:80])
		}
		fmt.Printf("DOC %s:%d id=%q date=%q src=%q lang=%q url=%q title=%.60q text=%q meta=%d\n", r.File, r.Line, d.ID, d.Date, d.Source, d.Lang, d.URL, d.Title, txt, len(d.Meta))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
