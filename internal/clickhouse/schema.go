package clickhouse

import (
	"context"
	"fmt"
	"strings"
)

// The documents table. One row per ingested document version; the
// ReplacingMergeTree keeps, per id, the row of the highest version when
// parts merge, and every read says FINAL, so a replaced id counts once
// before the merge too. Sorting by id is what makes replacement work (the
// engine collapses rows with equal sorting keys); on a cluster the
// Distributed table shards by cityHash64(id), so all versions of an id
// land on one shard and FINAL sees them together.
//
// Granules of 1,024 rows, not the usual 8,192: a page of search results
// or KWIC reads documents by id, and each read decompresses the text of
// a whole granule (with 8,192 rows of news text, about 12 MB per id).
//
// title_toks and text_toks are the fields' tokens (SPEC §2, from
// internal/textnorm) each wrapped in single spaces and concatenated:
// "Xi Jinping's" is " xi  jinping  s ". A phrase is then the substring
// " xi  jinping " and its hits the non-overlapping occurrences of that
// substring (see hitsExpr for why they equal SPEC §2's hits).
const columns = `
	id          String,
	version     UInt64,
	day         Int32,
	date        String,
	source      String,
	lang        String,
	url         String,
	title       String,
	text        String,
	meta_keys   Array(String),
	meta_values Array(String),
	title_toks  String,
	text_toks   String,
	title_n     UInt32,
	text_n      UInt32`

// localTable is the table that holds rows on each server; table is the one
// queries and inserts name (the Distributed table on a cluster).
func (c *Client) localTable() string {
	if c.cfg.Cluster != "" {
		return c.cfg.Database + ".docs_local"
	}
	return c.cfg.Database + ".docs"
}

func (c *Client) table() string { return c.cfg.Database + ".docs" }

// EnsureSchema creates the database and tables where missing, on every
// host of the address (or, with a cluster and a single host, ON CLUSTER,
// which needs the cluster's distributed DDL, i.e. Keeper).
func (c *Client) EnsureSchema(ctx context.Context) error {
	onCluster := ""
	hosts := c.cfg.Hosts
	if c.cfg.Cluster != "" && len(hosts) == 1 {
		onCluster = " ON CLUSTER " + c.cfg.Cluster
	}
	stmts := []string{
		"CREATE DATABASE IF NOT EXISTS " + c.cfg.Database + onCluster,
		"CREATE TABLE IF NOT EXISTS " + c.localTable() + onCluster + " (" + columns + "\n) ENGINE = ReplacingMergeTree(version) ORDER BY id SETTINGS index_granularity = 1024",
	}
	if c.cfg.Cluster != "" {
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s%s AS %s ENGINE = Distributed(%s, %s, docs_local, cityHash64(id))",
			c.table(), onCluster, c.localTable(), c.cfg.Cluster, c.cfg.Database))
	}
	for i, h := range hosts {
		for _, s := range stmts {
			if err := c.exec(ctx, i, s); err != nil {
				return fmt.Errorf("create tables on %s: %w", h, err)
			}
		}
	}
	return nil
}

// Drop removes the tifa tables of the database on every host (tests and
// `tifa` users starting over).
func (c *Client) Drop(ctx context.Context) error {
	for i := range c.cfg.Hosts {
		for _, t := range []string{c.table(), c.localTable()} {
			if err := c.exec(ctx, i, "DROP TABLE IF EXISTS "+t); err != nil {
				return err
			}
		}
	}
	return nil
}

// stream wraps each token in spaces: ["xi","jinping"] is " xi  jinping ".
func stream(toks []string) string {
	n := 0
	for _, t := range toks {
		n += len(t) + 2
	}
	var b strings.Builder
	b.Grow(n)
	for _, t := range toks {
		b.WriteByte(' ')
		b.WriteString(t)
		b.WriteByte(' ')
	}
	return b.String()
}
