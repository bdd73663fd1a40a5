package corpus

import (
	"bytes"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// FuzzJSON feeds arbitrary input to the JSON (.json) reader: arrays of
// documents, CCTV API dumps, objects of arrays.
func FuzzJSON(f *testing.F) {
	f.Add([]byte(`[{"id":"a","date":"2021-01-02","title":"t","text":"共同富裕"}]`))
	f.Add([]byte(`{"data":{"list":[{"title":"t","content":"x","focus_date":"2021-01-02 19:00:00"}]}}`))
	f.Add([]byte(`{"docs":[{"id":1,"date":"2021","body":"b"}],"x":[[[{}]]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		readInput(t, "json", string(data), Options{})
		readInput(t, "json", string(data), Options{MaxDocBytes: 64, Map: map[string]string{"body": "text", "x": "meta.x"}})
	})
}

var zstdEnc, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))

// FuzzCompressed feeds gzip and zstd streams of arbitrary JSON Lines, cut
// short and with a byte changed, as standard input (the stream is
// recognised by its magic number): every record must still be well formed
// and a damaged stream end in a read error, never a panic.
func FuzzCompressed(f *testing.F) {
	f.Add([]byte(`{"id":"a","date":"2021-01-02","text":"x"}`+"\n"+`{"id":"b","text":"y"}`), uint16(0), uint16(0), false)
	f.Add([]byte(`{"id":"a","text":"`+string(bytes.Repeat([]byte("0"), 5000))+`"}`), uint16(40), uint16(0x0107), true)
	f.Fuzz(func(t *testing.T, data []byte, cut, flip uint16, useZstd bool) {
		var b []byte
		if useZstd {
			b = zstdEnc.EncodeAll(data, nil)
		} else {
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
			zw.Write(data)
			zw.Close()
			b = z.Bytes()
		}
		if flip != 0 {
			b[int(flip)%len(b)] ^= byte(flip>>8) | 1
		}
		if cut != 0 {
			b = b[:int(cut)%(len(b)+1)]
		}
		readInput(t, "jsonl", string(b), Options{MaxDocBytes: 4096})
		readInput(t, "jsonl", string(data), Options{})
	})
}
