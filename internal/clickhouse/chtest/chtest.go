// Package chtest starts ClickHouse servers for tests: a cluster of n
// servers on loopback, each with its own config, users and data directory
// under the test's temporary directory, stopped when the test ends.
package chtest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is one clickhouse-server started by a test.
type Server struct {
	HTTPAddr string // 127.0.0.1:PORT of the HTTP interface
	HTTPPort int
	TCPAddr  string // 127.0.0.1:PORT of the native interface (tcp_port)
	TCPPort  int
	Dir      string
}

// serverBinary finds clickhouse-server, installing Debian's package with
// scripts/install-clickhouse.sh when it is missing (as root). Without it
// the test is skipped, except under CI=true, where it fails.
func serverBinary(t testing.TB) string {
	t.Helper()
	find := func() string {
		if p, err := exec.LookPath("clickhouse-server"); err == nil {
			return p
		}
		for _, p := range []string{"/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"} {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
		return ""
	}
	if p := find(); p != "" {
		return p
	}
	if os.Getuid() == 0 {
		out, err := exec.Command(installScript()).CombinedOutput()
		t.Logf("scripts/install-clickhouse.sh: %v\n%s", err, out)
		if p := find(); p != "" {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("clickhouse-server is missing and scripts/install-clickhouse.sh could not install it")
	}
	t.Skip("clickhouse-server is not installed; run scripts/install-clickhouse.sh as root")
	return ""
}

// FreePorts returns n TCP ports free on loopback a moment ago.
func FreePorts(t testing.TB, n int) []int {
	var ls []net.Listener
	var out []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return out
}

// Cluster, User and Password are what Start configures.
const (
	Cluster  = "tifa_test"
	User     = "tifa"
	Password = "s3cret"
)

// Start starts n servers, each with its own config, users and data
// directory under t.TempDir(), its HTTP and native (tcp_port) interfaces
// on free loopback ports, all naming the cluster "tifa_test" of n shards
// (one server each). They are stopped when the test ends,
// whatever happens: SIGTERM to the process group, SIGKILL after 10 s.
// User "tifa" has the password "s3cret"; "default" none.
func Start(t testing.TB, n int) []*Server {
	bin := serverBinary(t)
	ports := FreePorts(t, 2*n)
	servers := make([]*Server, n)
	var shards strings.Builder
	for i := range servers {
		servers[i] = &Server{HTTPAddr: fmt.Sprintf("127.0.0.1:%d", ports[2*i]), HTTPPort: ports[2*i],
			TCPAddr: fmt.Sprintf("127.0.0.1:%d", ports[2*i+1]), TCPPort: ports[2*i+1], Dir: t.TempDir()}
		fmt.Fprintf(&shards, "<shard><replica><host>127.0.0.1</host><port>%d</port></replica></shard>", servers[i].TCPPort)
	}
	for _, s := range servers {
		d := s.Dir
		for _, sub := range []string{"data", "tmp", "log", "user_files", "format_schemas"} {
			if err := os.MkdirAll(filepath.Join(d, sub), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		config := fmt.Sprintf(`<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>%[1]s/log/server.log</log><errorlog>%[1]s/log/error.log</errorlog><console>0</console></logger>
  <http_port>%[2]d</http_port>
  <tcp_port>%[3]d</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>%[1]s/data/</path>
  <tmp_path>%[1]s/tmp/</tmp_path>
  <user_files_path>%[1]s/user_files/</user_files_path>
  <format_schema_path>%[1]s/format_schemas/</format_schema_path>
  <users_config>%[1]s/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>32</max_concurrent_queries>
  <remote_servers><tifa_test>%[4]s</tifa_test></remote_servers>
</yandex>
`, d, s.HTTPPort, s.TCPPort, shards.String())
		users := `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage><max_threads>2</max_threads></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <tifa><password>s3cret</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></tifa>
  </users>
  <quotas><default></default></quotas>
</yandex>
`
		if err := os.WriteFile(filepath.Join(d, "config.xml"), []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "users.xml"), []byte(users), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--config-file="+filepath.Join(d, "config.xml"))
		cmd.Dir = d
		logf, err := os.Create(filepath.Join(d, "log", "stdout.log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = logf, logf
		// Its own process group, so that the cleanup reaches anything it
		// starts; and killed with the test binary should that die before
		// the cleanup runs (a -timeout panic).
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatalf("start %s: %v", bin, err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); logf.Close(); close(done) }()
		t.Cleanup(func() {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
			}
		})
		s.waitReady(t, done)
	}
	return servers
}

// waitReady waits until the server answers SELECT 1 (60 s at most).
func (s *Server) waitReady(t testing.TB, exited chan struct{}) {
	deadline := time.Now().Add(60 * time.Second)
	cl := http.Client{Timeout: 2 * time.Second}
	var err error
	for {
		var res *http.Response
		res, err = cl.Get("http://" + s.HTTPAddr + "/?query=SELECT%201")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK && string(b) == "1\n" {
				return
			}
			err = fmt.Errorf("HTTP %d: %s", res.StatusCode, b)
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(s.Dir, "log", "error.log"))
			out, _ := os.ReadFile(filepath.Join(s.Dir, "log", "stdout.log"))
			t.Fatalf("clickhouse-server on %s exited at start:\n%s\n%s", s.HTTPAddr, out, log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("clickhouse-server on %s not ready after 60 s: %v", s.HTTPAddr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// installScript is scripts/install-clickhouse.sh of this repository, found
// from the working directory upwards.
func installScript() string {
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, "scripts", "install-clickhouse.sh")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "scripts/install-clickhouse.sh"
		}
		dir = up
	}
}
