package index

// Segment file format. A segment is one immutable file holding a batch of
// documents: their metadata, their stored text, and a positional inverted
// index of their tokens. doc/format.md draws the same layout for users.
//
// All integers are little-endian. CRCs are CRC-32C (Castagnoli).
//
//	header   "TIFASEG\x00" | u32 version | u32 flags (0)
//	sections STORE, BLOCKS, POSTINGS, DICT, STRINGS, DOCS (located by the TOC)
//	toc      u32 count | count × {u32 kind | u64 offset | u64 length | u32 crc}
//	footer   u64 tocOffset | u32 tocLength | u32 crc(toc) | "TIFAEND\x00"
//
// DOCS: u32 n, then columns of n entries each — i32 date (days since
// 1970-01-01, NoDate when undated), u32 title tokens, u32 text tokens, u32
// source (string index), u32 lang (string index), u64 content hash, u32
// store block, u32 offset in the decompressed block — then (n+1)×u32 meta
// starts into m×{u32 key, u32 value} pairs (string indexes), u32 m before
// the pairs, then (n+1)×u32 id offsets and the id bytes. Documents are
// numbered in (date, id) order, undated last, so a date range is a range of
// document numbers.
//
// STRINGS: u32 count | (count+1)×u32 offsets | bytes. Sources, languages and
// meta keys and values, each stored once.
//
// DICT: u32 count | (count+1)×u32 offsets | term bytes (terms sorted
// bytewise) | count × {u64 postings offset | u32 length | u32 crc | u32 df |
// u64 cf}. df is the number of documents holding the term, cf the number of
// its occurrences.
//
// POSTINGS: one list per term: uvarint len(docs) | uvarint len(freqs) |
// docs | freqs | positions, each a packed stream (codec.go): df document
// number deltas (the first absolute), df frequencies minus one, and cf
// positions, per document the first absolute and the rest as deltas.
// Title tokens stand at positions 0…T-1 and text tokens at T+FieldGap…, so
// a phrase never spans the two fields.
//
// BLOCKS: u32 count | count × {u64 offset in STORE | u32 compressed length |
// u32 raw length | u32 crc of the compressed bytes}.
//
// STORE: zstd-compressed blocks; a raw block is a run of records, each a
// uvarint length and the fields id, date, source, title, text, lang, url as
// uvarint-length strings, then uvarint m and m key/value string pairs.
//
// Changelog:
//
//	1 — first format.

const (
	// Version is the segment format version this code writes and reads.
	Version = 1

	segMagic = "TIFASEG\x00"
	endMagic = "TIFAEND\x00"

	headerLen = 16
	footerLen = 24

	// FieldGap separates the positions of title and text tokens: one unused
	// position, so that no phrase spans the two fields. NEAR compares the
	// field of each side itself.
	FieldGap = 1
	// MaxNear is the largest distance NEAR/n accepts.
	MaxNear = 1000

	// NoDate is the date of an undated document: after every real date.
	NoDate = int32(0x7FFFFFFF)

	storeBlockSize = 128 << 10
)

// Section kinds in the TOC.
const (
	secDocs     = 1
	secStrings  = 2
	secDict     = 3
	secPostings = 4
	secBlocks   = 5
	secStore    = 6
)

var sectionNames = map[uint32]string{
	secDocs: "DOCS", secStrings: "STRINGS", secDict: "DICT",
	secPostings: "POSTINGS", secBlocks: "BLOCKS", secStore: "STORE",
}
