// Package web is tifa's page: a query box, the trend chart, documents,
// KWIC lines and the document view, as static files embedded in the binary
// and served by internal/server. The page is hand-written HTML, CSS and
// JavaScript with no build step; the chart is drawn by uPlot (MIT),
// vendored in static/vendor/ by update-vendor.sh. Nothing is fetched from
// another origin at run time.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// Assets returns the page's files, index.html at the root. It lives as long
// as the program and costs nothing: the files are part of the binary.
func Assets() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // "static" is a valid path, so this cannot happen
	}
	return sub
}
