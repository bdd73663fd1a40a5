package analysis

import "math"

// The association and keyness measures, as doc/analytics.md writes them.

// xlnx returns o·ln(o/e), 0 when o is 0.
func xlnx(o, e float64) float64 {
	if o <= 0 {
		return 0
	}
	return o * math.Log(o/e)
}

// logLikelihood2x2 is Dunning's G² of the 2×2 contingency table of a
// collocation (Evert 2008): o11 co-occurrences, r1 positions in the
// collocation region, c1 occurrences in the corpus, n positions in the
// corpus. G² = 2 Σ O·ln(O/E) over the four cells, E = row·column/n.
func logLikelihood2x2(o11, r1, c1, n float64) float64 {
	o12, o21 := r1-o11, c1-o11
	o22 := n - r1 - c1 + o11
	r2, c2 := n-r1, n-c1
	return 2 * (xlnx(o11, r1*c1/n) + xlnx(o12, r1*c2/n) + xlnx(o21, r2*c1/n) + xlnx(o22, r2*c2/n))
}

// expected returns E11 = r1·c1/n.
func expected(r1, c1, n float64) float64 { return r1 * c1 / n }

// mutualInfo is pointwise mutual information, log2(O11/E11).
func mutualInfo(o11, e11 float64) float64 { return math.Log2(o11 / e11) }

// tScore is (O11 − E11)/√O11.
func tScore(o11, e11 float64) float64 { return (o11 - e11) / math.Sqrt(o11) }

// keyLL is the log-likelihood of keyness (Rayson & Garside 2000): a
// occurrences in a target of c tokens, b in a reference of d tokens;
// G² = 2 (a·ln(a/E1) + b·ln(b/E2)), E1 = c(a+b)/(c+d), E2 = d(a+b)/(c+d).
func keyLL(a, b, c, d float64) float64 {
	e1 := c * (a + b) / (c + d)
	e2 := d * (a + b) / (c + d)
	return 2 * (xlnx(a, e1) + xlnx(b, e2))
}

// logRatio is Hardie's (2014) effect size, log2 of the ratio of relative
// frequencies, log2((a/c)/(b/d)); a frequency of 0 counts as 0.5, so that
// an item absent from one side has a finite ratio.
func logRatio(a, b, c, d float64) float64 {
	if a == 0 {
		a = 0.5
	}
	if b == 0 {
		b = 0.5
	}
	return math.Log2((a / c) / (b / d))
}

// perMillion returns f per million of n.
func perMillion(f, n float64) float64 {
	if n == 0 {
		return 0
	}
	return f / n * 1e6
}
