package corpus

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// swordDir is where sword-text-web keeps its zText module.
const swordDir = "usr/share/sword/modules/texts/ztext/engWEB2015eb"

// A SWORD zText module (CompressType=ZIP) stores each testament in three
// files:
//
//	.bzs  the blocks: 12 bytes each, uint32 little-endian offset into .bzz,
//	      compressed size and uncompressed size
//	.bzz  the blocks, each a zlib stream (one Bible book per block here,
//	      BlockType=BOOK)
//	.bzv  the verses, in canonical order: 10 bytes each, uint32 block
//	      number, uint32 offset of the verse in the uncompressed block and
//	      uint16 its length; headings (module, testament, book, chapter)
//	      have entries too, and absent verses have length 0
//
// A verse's text is OSIS XML: words in <w> elements with Strong's numbers,
// paragraphs as <div type="x-p"/> milestones, poetry as <lg> and <l>,
// footnotes as <note>, headings as <title>.
const (
	swordBlockEntry = 12
	swordVerseEntry = 10
)

// zTextBlock is one entry of a .bzs file.
type zTextBlock struct {
	offset, size, rawSize uint32
}

// zTextVerse is one entry of a .bzv file.
type zTextVerse struct {
	block, offset uint32
	size          uint16
}

// decodeZText returns the OSIS text of every verse of one testament,
// grouped by block: blocks[i] holds the verses (in order) stored in block i.
// It checks every offset and size against the files, so a damaged module
// gives an error, not a panic.
func decodeZText(bzs, bzv, bzz []byte) ([][]string, error) {
	if len(bzs)%swordBlockEntry != 0 || len(bzv)%swordVerseEntry != 0 {
		return nil, fmt.Errorf("the index sizes (%d, %d bytes) are not whole entries of %d and %d bytes", len(bzs), len(bzv), swordBlockEntry, swordVerseEntry)
	}
	blocks := make([]zTextBlock, len(bzs)/swordBlockEntry)
	for i := range blocks {
		e := bzs[i*swordBlockEntry:]
		blocks[i] = zTextBlock{binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:]), binary.LittleEndian.Uint32(e[8:])}
	}
	texts := make([][]byte, len(blocks)) // uncompressed blocks, decoded when first needed
	verses := make([][]string, len(blocks))
	for i := 0; i < len(bzv); i += swordVerseEntry {
		v := zTextVerse{binary.LittleEndian.Uint32(bzv[i:]), binary.LittleEndian.Uint32(bzv[i+4:]), binary.LittleEndian.Uint16(bzv[i+8:])}
		if v.size == 0 {
			continue
		}
		if int(v.block) >= len(blocks) {
			return nil, fmt.Errorf("verse entry %d names block %d of %d", i/swordVerseEntry, v.block, len(blocks))
		}
		if texts[v.block] == nil {
			text, err := inflateBlock(bzz, blocks[v.block])
			if err != nil {
				return nil, fmt.Errorf("block %d: %w", v.block, err)
			}
			texts[v.block] = text
		}
		text := texts[v.block]
		end := uint64(v.offset) + uint64(v.size)
		if end > uint64(len(text)) {
			return nil, fmt.Errorf("verse entry %d (bytes %d..%d) lies outside its block of %d bytes", i/swordVerseEntry, v.offset, end, len(text))
		}
		verses[v.block] = append(verses[v.block], string(text[v.offset:end]))
	}
	return verses, nil
}

// maxBlock bounds an uncompressed block, so a damaged size cannot make the
// decoder allocate without limit; the largest book here is 0.9 MB.
const maxBlock = 64 << 20

func inflateBlock(bzz []byte, b zTextBlock) ([]byte, error) {
	end := uint64(b.offset) + uint64(b.size)
	if end > uint64(len(bzz)) {
		return nil, fmt.Errorf("bytes %d..%d lie outside the %d-byte .bzz file", b.offset, end, len(bzz))
	}
	if b.rawSize > maxBlock {
		return nil, fmt.Errorf("uncompressed size %d is over the limit of %d", b.rawSize, maxBlock)
	}
	zr, err := zlib.NewReader(bytes.NewReader(bzz[b.offset:end]))
	if err != nil {
		return nil, fmt.Errorf("not a zlib stream: %w", err)
	}
	text, err := io.ReadAll(io.LimitReader(zr, int64(b.rawSize)+1))
	if err != nil {
		return nil, fmt.Errorf("inflating: %w", err)
	}
	if len(text) != int(b.rawSize) {
		return nil, fmt.Errorf("inflated to %d bytes, the index says %d", len(text), b.rawSize)
	}
	return text, nil
}

// osisRules turn OSIS into paragraphs: footnotes, cross-references,
// headings, speaker labels and variant readings go; paragraph milestones,
// chapters, stanzas and list items end a paragraph; poetry lines and line
// breaks are spaces.
var osisRules = markupRules{
	skip: func(tag string, _ map[string]string) bool {
		switch tag {
		case "note", "title", "speaker", "rdg", "catchword":
			return true
		}
		return false
	},
	breaks: func(tag string, attrs map[string]string) bool {
		switch tag {
		case "chapter", "lg", "list", "item":
			return true
		case "div":
			return attrs == nil || attrs["type"] != "x-milestone"
		}
		return false
	},
	spaces:      map[string]bool{"l": true, "lb": true},
	skipIsSpace: true,
}

var osisBookID = regexp.MustCompile(`<div[^>]*type="book"[^>]*osisID="([^"]+)"|<div[^>]*osisID="([^"]+)"[^>]*type="book"`)

// extractSword reads the World English Bible: both testaments, one document
// per book.
func extractSword(files []File) ([]Document, error) {
	byName := map[string][]byte{}
	for _, f := range files {
		byName[strings.TrimPrefix(f.Path, swordDir+"/")] = f.Data
	}
	var docs []Document
	for _, t := range []string{"ot", "nt"} {
		bzs, bzv, bzz := byName[t+".bzs"], byName[t+".bzv"], byName[t+".bzz"]
		if bzs == nil || bzv == nil || bzz == nil {
			return nil, fmt.Errorf("the module has no %s.bzs, %s.bzv and %s.bzz in %s; the package layout changed", t, t, t, swordDir)
		}
		blocks, err := decodeZText(bzs, bzv, bzz)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", swordDir, t, err)
		}
		for i, verses := range blocks {
			osis := strings.Join(verses, " ")
			name := fmt.Sprintf("%s block %d", t, i)
			if m := osisBookID.FindStringSubmatch(osis); m != nil {
				name = m[1] + m[2]
			}
			if paras := markupParagraphs([]byte(osis), osisRules); len(paras) > 0 {
				docs = append(docs, Document{Name: name, Paragraphs: paras})
			}
		}
	}
	return docs, nil
}
