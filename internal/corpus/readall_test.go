package corpus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadAll(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	os.WriteFile(good, []byte(`{"id":"a","date":"2021-01-02","title":"T","text":"共同富裕"}`+"\n"+`{"id":"b","text":"x"}`+"\n"), 0o644)
	docs, err := ReadAll(context.Background(), []string{good}, Options{})
	if err != nil || len(docs) != 2 || docs[0].ID != "a" || docs[1].ID != "b" {
		t.Fatalf("ReadAll = %+v, %v", docs, err)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id":"a","text":"x"}`+"\n"+`{"id":`+"\n"), 0o644)
	if _, err := ReadAll(context.Background(), []string{bad}, Options{}); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2:") {
		t.Fatalf("a bad record: %v, want an error naming bad.jsonl:2", err)
	}
}
