package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// verbs matches fmt verbs, so that a translation cannot drop or add one.
var verbs = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

func TestCatalogHasBothLanguages(t *testing.T) {
	for key, m := range catalog {
		if strings.TrimSpace(m.en) == "" {
			t.Errorf("%q has no English text", key)
		}
		if strings.TrimSpace(m.zh) == "" {
			t.Errorf("%q has no Chinese (zh-CN) text", key)
		}
		if en, zh := verbs.FindAllString(m.en, -1), verbs.FindAllString(m.zh, -1); strings.Join(en, " ") != strings.Join(zh, " ") {
			t.Errorf("%q: format verbs differ: en %v, zh-CN %v", key, en, zh)
		}
	}
}

// TestEveryKeyIsInCatalog reads the package's source and checks that every
// literal key passed to T (and every key built from a table) has a message.
func TestEveryKeyIsInCatalog(t *testing.T) {
	keys := literalKeys(t)
	for _, k := range ratingKeys[1:] {
		keys[k] = "ratingKeys"
	}
	for _, r := range []string{roleStudent, roleTeacher, roleAdmin} {
		keys["role."+r] = "roleName"
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys in the source; the scan is broken", len(keys))
	}
	for k, where := range keys {
		if _, ok := catalog[k]; !ok {
			t.Errorf("key %q (used at %s) is missing from the catalog", k, where)
		}
	}
}

func literalKeys(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	keys := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "T" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			k, err := strconv.Unquote(lit.Value)
			if err == nil {
				keys[k] = fset.Position(lit.Pos()).String()
			}
			return true
		})
	}
	return keys
}

func TestParseLang(t *testing.T) {
	cases := map[string]Lang{
		"zh": Chinese, "zh-CN": Chinese, "zh-Hans-CN": Chinese, "ZH-tw": Chinese, "zh_CN": Chinese,
		"en": English, "en-US": English, "fr": English, "": English, "zhx": English,
	}
	for tag, want := range cases {
		if got := ParseLang(tag); got != want {
			t.Errorf("ParseLang(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestTranslate(t *testing.T) {
	if got := Chinese.T("status.pending", 3); got != "3 条待同步" {
		t.Errorf("zh-CN status.pending = %q", got)
	}
	if got := English.T("status.pending", 3); got != "3 to sync" {
		t.Errorf("en status.pending = %q", got)
	}
	if got := Lang("").T("nav.logout"); got != "Log out" {
		t.Errorf("unset language should fall back to English, got %q", got)
	}
	if got := English.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key should show itself, got %q", got)
	}
}
