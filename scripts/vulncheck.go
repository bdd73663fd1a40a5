//go:build ignore

// vulncheck reads `govulncheck -format json` on standard input and prints
// one line per vulnerability found: its id, the module and version it is
// in, the version that fixes it, and whether tifa's code calls it. It
// exits 1 when a module tifa requires has a vulnerability tifa calls.
// Vulnerabilities of the standard library are reported but do not fail:
// they are fixed by building with a newer Go, which CI's machine image
// pins (GOTOOLCHAIN=local); doc/robustness.md says which Go to release
// with.
//
//	govulncheck -format json ./... | go run scripts/vulncheck.go
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

type frame struct {
	Module, Version, Package, Function string
}

type message struct {
	Finding *struct {
		OSV          string  `json:"osv"`
		FixedVersion string  `json:"fixed_version"`
		Trace        []frame `json:"trace"`
	} `json:"finding"`
}

func main() {
	dec := json.NewDecoder(os.Stdin)
	type vuln struct {
		id, module, version, fixed string
		called, imported           bool
	}
	vulns := map[string]*vuln{}
	for {
		var m message
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "vulncheck: reading govulncheck's output:", err)
			os.Exit(2)
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 {
			continue
		}
		v := vulns[f.OSV]
		if v == nil {
			v = &vuln{id: f.OSV, module: f.Trace[0].Module, version: f.Trace[0].Version, fixed: f.FixedVersion}
			vulns[f.OSV] = v
		}
		v.called = v.called || f.Trace[0].Function != ""
		v.imported = v.imported || f.Trace[0].Package != ""
	}
	ids := make([]string, 0, len(vulns))
	for id := range vulns {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	failed, std := 0, 0
	for _, id := range ids {
		v := vulns[id]
		level := "required, not imported"
		switch {
		case v.called:
			level = "CALLED"
		case v.imported:
			level = "imported, not called"
		}
		fmt.Printf("%s  %s@%s  fixed in %s  %s\n", v.id, v.module, v.version, v.fixed, level)
		switch {
		case v.module == "stdlib" && v.called:
			std++
		case v.called:
			failed++
		}
	}
	if std > 0 {
		fmt.Printf("warning: %d vulnerabilities of the Go standard library that tifa calls: release builds need the Go version that fixes them\n", std)
	}
	if failed > 0 {
		fmt.Printf("%d vulnerabilities in modules tifa requires are called: update them (go get MODULE@FIXED)\n", failed)
		os.Exit(1)
	}
	fmt.Printf("govulncheck: no called vulnerability in the modules tifa requires (%d findings in all)\n", len(ids))
}
