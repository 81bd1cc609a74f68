package corpus

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"strings"
	"testing"
)

// join puts paragraphs one a line, for comparing with a want string.
func join(paras []string) string { return strings.Join(paras, "\n") }

func TestGutenbergStripsBoilerplateAndMarks(t *testing.T) {
	book := "[Moby Dick by Herman Melville 1851]\n\nCall me _Ishmael_. Some years\nago, never mind how long.\n\n" +
		"[Illustration: a whale] It was a whale.\n\n" +
		"End of Project Gutenberg's Moby Dick\n\n*** START OF THE PROJECT GUTENBERG LICENSE ***\nDonate money.\n"
	bible := "1:1 In the beginning God created the heaven and the earth.\n\n" +
		"1:2 And the earth was without form. 1:3 And God said, Let there be light.\n\n" +
		"This etext is from Project Gutenberg, please donate.\n"
	docs, err := extractGutenberg([]File{
		{"package/gutenberg/melville-moby_dick.txt", []byte(book)},
		{"package/gutenberg/bible-kjv.txt", []byte(bible)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"[Moby Dick by Herman Melville 1851]\nCall me Ishmael. Some years ago, never mind how long.\n It was a whale.",
		"In the beginning God created the heaven and the earth.\nAnd the earth was without form. And God said, Let there be light.",
	}
	for i, d := range docs {
		if got := join(d.Paragraphs); got != want[i] {
			t.Errorf("%s:\n got %q\nwant %q", d.Name, got, want[i])
		}
	}
}

func TestSOTUDropsTranscribersNotes(t *testing.T) {
	docs, _ := extractSOTU([]File{{"package/sotu/data/2016_x.txt", []byte(
		"Thank you. [Laughter] I know some of you are antsy. [applause] Plenty-[laughter]-from work [p. 8] and [sic] more [1].")}})
	want := "Thank you. I know some of you are antsy. Plenty--from work and more."
	if got := join(docs[0].Paragraphs); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestHTMLParagraphs(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Page title</title><script>var x = "<p>no</p>";</script>
<style>p { color: red }</style></head><body>
<nav id="sidebar"><ul><li>Chapter 1</li><li>Chapter 2</li></ul></nav>
<div class="related" role="navigation"><a href="#">next</a></div>
<div class="body"><h1>Heading<a class="headerlink" href="#h">¶</a></h1>
<p>Call <code class="docutils"><span class="pre">len()</span></code> to count the items &amp; the
   <em>other</em>&nbsp;things.</p>
<div class="highlight"><pre><span>x = 1</span>
</pre></div>
<pre>raw code</pre>
<ul><li>First item.</li><li>Second<br>line.</li></ul>
<div class="navfooter"><table><tr><td>Prev</td></tr></table></div>
</div><footer>Copyright</footer></body></html>`
	got := join(markupParagraphs([]byte(page), htmlRules))
	want := "Heading\nCall len() to count the items & the\n   other\u00a0things.\nFirst item.\nSecond\nline."
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestHTMLSurvivesBrokenMarkup(t *testing.T) {
	for _, page := range []string{"<p>unclosed <b>bold", "</div></div><p>text", "<nav><nav>", "<pre>", "<<>>&&;<p", ""} {
		markupParagraphs([]byte(page), htmlRules) // must not panic
	}
	if got := join(markupParagraphs([]byte("<p>One.<p>Two.</div>Three."), htmlRules)); got != "One.\nTwo.\nThree." {
		t.Errorf("unclosed paragraphs: %q", got)
	}
}

func TestDecodeTextFallsBackToWindows1252(t *testing.T) {
	if got := decodeText([]byte("caf\xe9 \x93quoted\x94")); got != "café “quoted”" {
		t.Errorf("decodeText = %q", got)
	}
	if got := decodeText([]byte("café")); got != "café" {
		t.Errorf("decodeText(UTF-8) = %q", got)
	}
}

func TestWordNetParagraph(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{`00217593 04 n 01 kill 1 002 @ 00217014 n 0000 + 00355365 v 0101 | the destruction of an enemy plane or ship or tank or missile; "the pilot reported two kills during the mission"  `,
			`kill (noun): the destruction of an enemy plane or ship or tank or missile. Example: "the pilot reported two kills during the mission".`},
		{`00095873 00 s 03 asleep(p) 0 at_peace(p) 2 deceased 0 003 & 00095280 a 0000 | dead; "he is deceased"; "our dear departed friend"  `,
			`asleep, at peace, deceased (adjective): dead. Examples: "he is deceased"; "our dear departed friend".`},
		{`02684924 42 v 01 last 0 001 @ 02684254 v 0000 01 + 02 00 | persist for a specified period of time; "The bad weather lasted for three days"; "how long will this last?"  `,
			`last (verb): persist for a specified period of time. Examples: "The bad weather lasted for three days"; "how long will this last?"`},
		{`00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived or known (usually followed by ` + "`to'" + `; or inferred)  `,
			`entity (noun): that which is perceived or known (usually followed by 'to'; or inferred).`},
	} {
		got, err := wordNetParagraph(c.line)
		if err != nil || got != c.want {
			t.Errorf("wordNetParagraph:\n got %q, %v\nwant %q", got, err, c.want)
		}
	}
	for _, bad := range []string{"00001740 03 n 01 entity", "00001740 03 x 01 entity 0 | gloss", "00001740 03 n zz entity 0 | gloss", "1 2 | g", "00001740 03 n 05 entity 0 | gloss"} {
		if _, err := wordNetParagraph(bad); err == nil {
			t.Errorf("wordNetParagraph(%q) gave no error", bad)
		}
	}
}

// zText builds a SWORD zText testament from blocks of verses, as the
// module files store it.
func zText(t *testing.T, blocks [][]string) (bzs, bzv, bzz []byte) {
	t.Helper()
	var idx, verses, data bytes.Buffer
	le := binary.LittleEndian
	verses.Write(make([]byte, swordVerseEntry)) // the module heading: empty
	for i, vs := range blocks {
		raw := strings.Join(vs, "")
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write([]byte(raw))
		w.Close()
		idx.Write(le.AppendUint32(le.AppendUint32(le.AppendUint32(nil, uint32(data.Len())), uint32(z.Len())), uint32(len(raw))))
		data.Write(z.Bytes())
		off := 0
		for _, v := range vs {
			verses.Write(le.AppendUint16(le.AppendUint32(le.AppendUint32(nil, uint32(i)), uint32(off)), uint16(len(v))))
			off += len(v)
		}
	}
	return idx.Bytes(), verses.Bytes(), data.Bytes()
}

func TestDecodeZTextAndOSIS(t *testing.T) {
	bzs, bzv, bzz := zText(t, [][]string{
		{`<div type="book" osisID="Ruth" sID="b1"/><title type="main">Ruth</title><chapter n="1" osisID="Ruth.1"/>`,
			`<div sID="p1" type="x-p"/><w lemma="strong:H1">In</w> the days when the judges judged,<note placement="foot">Or, ruled</note>there was a famine. `,
			`A man went to live.<div eID="p1" type="x-p"/>`},
		{`<lg><l sID="l1"/>Praise the <divineName>Lord</divineName>!<l eID="l1"/><l sID="l2"/>Sing &amp; shout.<l eID="l2"/></lg>`},
	})
	blocks, err := decodeZText(bzs, bzv, bzz)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 || len(blocks[0]) != 3 || len(blocks[1]) != 1 {
		t.Fatalf("decoded %d blocks: %q", len(blocks), blocks)
	}
	paras := markupParagraphs([]byte(strings.Join(blocks[0], " ")), osisRules)
	if got := Normalize(join(paras)); got != "In the days when the judges judged, there was a famine. A man went to live." {
		t.Errorf("block 0 gives %q", got)
	}
	poem := Normalize(join(markupParagraphs([]byte(blocks[1][0]), osisRules)))
	if poem != "Praise the Lord! Sing & shout." {
		t.Errorf("block 1 gives %q", poem)
	}
}

func TestDecodeZTextRejectsDamage(t *testing.T) {
	bzs, bzv, bzz := zText(t, [][]string{{"<w>one</w> verse. ", "another verse. "}})
	le := binary.LittleEndian
	damaged := func(b []byte, at int, v uint32) []byte {
		c := append([]byte(nil), b...)
		le.PutUint32(c[at:], v)
		return c
	}
	for name, files := range map[string][3][]byte{
		"ragged block index": {bzs[:len(bzs)-1], bzv, bzz},
		"ragged verse index": {bzs, bzv[:len(bzv)-3], bzz},
		"block outside .bzz": {damaged(bzs, 4, 1<<30), bzv, bzz},
		"huge block":         {damaged(bzs, 8, 1<<31), bzv, bzz},
		"wrong raw size":     {damaged(bzs, 8, 3), bzv, bzz},
		"verse in no block":  {bzs, damaged(bzv, swordVerseEntry, 7), bzz},
		"verse past its end": {bzs, damaged(bzv, swordVerseEntry+4, 1000), bzz},
		"not zlib":           {bzs, bzv, bytes.Repeat([]byte{0xff}, len(bzz))},
	} {
		if _, err := decodeZText(files[0], files[1], files[2]); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzDecodeZText(f *testing.F) {
	f.Add([]byte{}, []byte{}, []byte{})
	f.Add(make([]byte, 12), make([]byte, 10), []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	f.Fuzz(func(t *testing.T, bzs, bzv, bzz []byte) {
		decodeZText(bzs, bzv, bzz) // must not panic
	})
}
