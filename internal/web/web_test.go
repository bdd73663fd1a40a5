package web_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/tifa-project/tifa/internal/web"
)

// TestAssets_Complete checks that every file the page names is embedded,
// with the chart library's licence beside it.
func TestAssets_Complete(t *testing.T) {
	a := web.Assets()
	page, err := fs.ReadFile(a, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(page), -1)
	if len(refs) < 5 {
		t.Fatalf("index.html names %d files", len(refs))
	}
	for _, m := range refs {
		if m[1] == "./" {
			continue
		}
		if _, err := fs.Stat(a, m[1]); err != nil {
			t.Errorf("index.html names %s: %v", m[1], err)
		}
	}
	for _, f := range []string{"vendor/uPlot.LICENSE", "vendor/uPlot.iife.min.js", "vendor/VERSIONS"} {
		if _, err := fs.Stat(a, f); err != nil {
			t.Error(err)
		}
	}
}

// TestAssets_TextOnly checks the page's own script for the ways text could
// become HTML: every text from documents goes in as textContent.
func TestAssets_TextOnly(t *testing.T) {
	js, err := fs.ReadFile(web.Assets(), "app.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('style'", ".cssText"} {
		if strings.Contains(string(js), bad) {
			t.Errorf("app.js uses %s", bad)
		}
	}
}
