package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tifa-project/tifa/internal/query"
	"github.com/tifa-project/tifa/internal/server"
	"github.com/tifa-project/tifa/internal/web"
)

func newServe(g *globals) *cobra.Command {
	var addr string
	var timeout time.Duration
	var maxConcurrent int
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API and the web page (on 127.0.0.1:8080 by default)",
		Long: `serve answers the JSON API under /api/ (search, trend, kwic, doc, stats,
sources, validate; see doc/api.md) and serves the web page at /, both from
the one binary and the index as committed when it starts. It writes nothing.

It listens on the loopback address unless --addr says otherwise. Each query
stops after --timeout (503); beyond --max-concurrent queries at once, and 64
more waiting, requests get 503 with Retry-After. SIGINT or SIGTERM stops it
after the requests in flight.`,
		Example: `  tifa serve
  tifa serve --index ./tifa-index --addr 127.0.0.1:9000
  curl 'http://127.0.0.1:8080/api/trend?q=共同富裕&q=common+prosperity&by=year'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, closeEngine, err := g.searcher()
			if err != nil {
				return err
			}
			defer closeEngine()
			var docs int
			if loc, ok := l.(*query.Local); ok {
				docs = loc.Snap.Docs()
			} else {
				st, err := l.Stats(context.Background(), query.Filter{})
				if err != nil {
					return readErr(err)
				}
				docs = st.Docs
			}
			srv, err := server.New(server.Config{Searcher: l, Assets: web.Assets(),
				QueryTimeout: timeout, MaxConcurrent: maxConcurrent})
			if err != nil {
				return &exitError{exitUsage, err}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return &exitError{exitUsage, err}
			}
			if !server.IsLoopback(addr) {
				fmt.Fprintf(os.Stderr, "tifa: warning: %s accepts connections from other machines; the API has no authentication\n", addr)
			}
			// Scripts (and the tests) read the address from this line.
			fmt.Fprintf(cmd.OutOrStdout(), "tifa: serving %d documents from %s on http://%s/\n", docs, g.where(), ln.Addr())
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if err := srv.Serve(ctx, ln); err != nil {
				return &exitError{exitUsage, err}
			}
			return nil
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	c.Flags().DurationVar(&timeout, "timeout", server.DefaultQueryTimeout, "longest time one query may run")
	c.Flags().IntVar(&maxConcurrent, "max-concurrent", 0, "queries running at once (default 2 × CPUs)")
	return c
}
