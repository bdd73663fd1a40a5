package textnorm

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTokens_Cases(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Xi Jinping’s “dual-carbon”", []string{"xi", "jinping", "s", "dual", "carbon"}},
		{"共同富裕", []string{"共", "同", "富", "裕"}},
		{"Straße", []string{"strasse"}},
		{"ＡＢＣ１２３", []string{"abc123"}},
		{"ｶﾀｶﾅ", []string{"カ", "タ", "カ", "ナ"}},
		{"e\u0301té", []string{"été"}},
		{"COVID-19疫情", []string{"covid", "19", "疫", "情"}},
		{"  ", nil},
		{"a\u200bb", []string{"a", "b"}},
		{"㍿", []string{"株", "式", "会", "社"}},
		{"ΣΑΣ", []string{"σασ"}},
		{"İstanbul", []string{"i̇stanbul"}},
		{"ŉ", []string{"ʼn"}},
	} {
		got := Tokens(tc.in)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Tokens(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestSpans_MapToOriginal(t *testing.T) {
	s := "Dual-Carbon ＡＢＣ 共同富裕 ﬁne"
	toks, spans := Spans(s)
	want := []string{"Dual", "Carbon", "ＡＢＣ", "共", "同", "富", "裕", "ﬁne"}
	var got []string
	for _, sp := range spans {
		got = append(got, s[sp.Start:sp.End])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans (-want +got):\n%s\ntokens %q", diff, toks)
	}
}

func TestNormalize_Gaps(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Dynamic  Zero-COVID!", "dynamic zero covid"},
		{"动态清零，", "动态清零"},
		{"坚持“动态清零”总方针", "坚持 动态清零 总方针"},
		{"COVID-19疫情", "covid 19疫情"},
	} {
		got, starts, ends := Normalize(tc.in)
		if got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if len(starts) != len(got) || len(ends) != len(got) {
			t.Errorf("Normalize(%q): %d starts, %d ends for %d bytes", tc.in, len(starts), len(ends), len(got))
		}
	}
}

// TestTokens_Oracle compares with ../shared/tools/oracle.py on tricky text.
func TestTokens_Oracle(t *testing.T) {
	oracle := "../../../shared/tools/oracle.py"
	if _, err := os.Stat(oracle); err != nil {
		t.Skipf("oracle not found at %s (needs ../shared beside the repo)", oracle)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	inputs := []string{
		"Xi Jinping’s “dual-carbon” Straße ＡＢＣ１２３",
		"坚持“动态清零”总方针，ｶﾀｶﾅ ﬁ ㍿ e\u0301 ΣΑΣ ǅ ſ ẞ ⅻ ①②",
		"naïve café co\u00adoperate 2022年8月19日 ۱۲۳ अनुच्छेद",
	}
	for _, in := range inputs {
		out, err := exec.Command("python3", oracle, "tokens", in).Output()
		if err != nil {
			t.Fatalf("oracle: %v", err)
		}
		var want []string
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, Tokens(in)); diff != "" {
			t.Errorf("Tokens(%q) vs oracle (-want +got):\n%s", in, diff)
		}
	}
	_ = strings.TrimSpace
}
