package corpus

import (
	"bytes"
	"path"
	"strings"

	"golang.org/x/net/html"
)

// markupRules say how to turn HTML or OSIS markup into paragraphs.
type markupRules struct {
	// skip reports whether an element and everything inside it is left out
	// (scripts, navigation, code blocks, footnotes).
	skip func(tag string, attrs map[string]string) bool
	// breaks reports whether an element's start or end ends a paragraph;
	// attrs is nil for an end tag.
	breaks func(tag string, attrs map[string]string) bool
	// spaces are elements that stand for a space between words.
	spaces map[string]bool
	// skipIsSpace: a skipped element stands for a space (OSIS puts
	// footnotes between words with no space: "hour,<note>...</note>and").
	skipIsSpace bool
}

// voidElements never have an end tag, so skipping one skips nothing more.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// markupParagraphs returns the text of src's paragraphs, entities decoded
// and inline markup dropped. It never fails: broken markup gives what text
// it has.
func markupParagraphs(src []byte, rules markupRules) []string {
	z := html.NewTokenizer(bytes.NewReader(src))
	var paras []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			paras = append(paras, s)
		}
		cur.Reset()
	}
	skipTag, skipDepth := "", 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			return paras
		case html.TextToken:
			if skipDepth == 0 {
				cur.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			tag := string(name)
			opens := tt == html.StartTagToken && !voidElements[tag]
			if skipDepth > 0 {
				if tag == skipTag && opens {
					skipDepth++
				}
				continue
			}
			attrs := tagAttrs(z, more)
			switch {
			case rules.skip(tag, attrs):
				if opens {
					skipTag, skipDepth = tag, 1
				}
			case rules.breaks(tag, attrs):
				flush()
			case rules.spaces[tag]:
				cur.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skipDepth > 0 {
				if tag == skipTag {
					skipDepth--
				}
				if skipDepth == 0 && rules.skipIsSpace {
					cur.WriteByte(' ')
				}
				continue
			}
			if rules.breaks(tag, nil) {
				flush()
			}
		}
	}
}

func tagAttrs(z *html.Tokenizer, more bool) map[string]string {
	if !more {
		return nil
	}
	attrs := map[string]string{}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		attrs[string(k)] = string(v)
	}
	return attrs
}

// HTML: what is not prose. Code blocks (<pre>) go; inline <code> stays,
// since it is part of a sentence ("call len() to ..."), and paragraphs
// that are mostly code fail the word-share filter.
var (
	htmlSkipTags = map[string]bool{
		"head": true, "script": true, "style": true, "noscript": true, "nav": true, "pre": true, "textarea": true,
		"svg": true, "math": true, "button": true, "select": true, "form": true, "template": true, "iframe": true,
		"object": true, "footer": true,
	}
	// Navigation, sidebars, tables of contents and code of the three
	// documentation generators here: Sphinx (Python), DocBook (PostgreSQL)
	// and mdBook (Rust).
	htmlSkipClasses = map[string]bool{
		"related": true, "sphinxsidebar": true, "footer": true, "headerlink": true, "highlight": true,
		"mobile-nav": true, "menu-wrapper": true, "inline-search": true, "contents": true,
		"navheader": true, "navfooter": true, "toc": true,
		"sidebar": true, "menu-bar": true, "nav-chapters": true, "nav-wrapper": true, "nav-wide-wrapper": true,
	}
	htmlSkipIDs = map[string]bool{
		"sidebar": true, "menu-bar": true, "search-wrapper": true, "searchresults-outer": true, "sidebar-resize-handle": true,
	}
	htmlBlocks = map[string]bool{
		"html": true, "body": true, "main": true, "article": true, "section": true, "aside": true, "header": true,
		"div": true, "p": true, "br": true, "hr": true, "blockquote": true, "center": true, "address": true,
		"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "title": true,
		"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true,
		"table": true, "caption": true, "thead": true, "tbody": true, "tfoot": true, "tr": true, "td": true, "th": true,
		"figure": true, "figcaption": true, "details": true, "summary": true,
	}
	htmlRules = markupRules{
		skip: func(tag string, attrs map[string]string) bool {
			if htmlSkipTags[tag] || htmlSkipIDs[attrs["id"]] || attrs["role"] == "navigation" || attrs["role"] == "search" {
				return true
			}
			for _, c := range strings.Fields(attrs["class"]) {
				if htmlSkipClasses[c] {
					return true
				}
			}
			return false
		},
		breaks: func(tag string, _ map[string]string) bool { return htmlBlocks[tag] },
	}
)

// extractHTML reads HTML pages, one document each.
func extractHTML(files []File) ([]Document, error) {
	var docs []Document
	for _, f := range files {
		src := []byte(decodeText(f.Data))
		docs = append(docs, Document{Name: path.Base(f.Path), Paragraphs: markupParagraphs(src, htmlRules)})
	}
	return docs, nil
}
