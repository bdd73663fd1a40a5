package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"time"
)

// static is the page's files, read once from an fs.FS into memory. Only
// these files can be served: a request names one by a clean path of plain
// characters, never by a path that the file system would resolve.
type static struct {
	files map[string]*asset // by URL path, "/index.html"
}

type asset struct {
	body  []byte
	ctype string
	etag  string
}

// assetPath is every URL path that can name an asset: segments of letters,
// digits, '.', '_' and '-' that do not start with a dot. No "..", no
// percent escapes, no backslash, no empty segment.
var assetPath = regexp.MustCompile(`^(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$`)

func loadStatic(fsys fs.FS) (*static, error) {
	st := &static{files: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !assetPath.MatchString("/" + p) {
			return nil // not servable by name; nothing links to it
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".LICENSE", "":
			ct = "text/plain; charset=utf-8"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		st.files["/"+p] = &asset{body: b, ctype: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the page's assets: %w", err)
	}
	if st.files["/index.html"] == nil {
		return nil, fmt.Errorf("the page's assets have no index.html")
	}
	return st, nil
}

// serveStatic serves "/" as index.html and every other asset by its exact
// path; anything else is 404.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "/" {
		p = "/index.html"
	}
	var a *asset
	if s.static != nil && r.URL.RawPath == "" && assetPath.MatchString(p) {
		a = s.static.files[p]
	}
	if a == nil {
		writeError(w, http.StatusNotFound, "no such file: the page's files are /, /app.js, /app.css, /vendor/…")
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
