package app

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Lang is a user-interface language.
type Lang string

// The languages of the interface. Chinese is first because the first
// learners read Chinese.
const (
	Chinese Lang = "zh-CN"
	English Lang = "en"
)

// Langs lists the interface languages in the order the switch shows them.
var Langs = []Lang{Chinese, English}

// langKey is the localStorage key remembering the learner's choice.
const langKey = "tutor.lang"

// ParseLang maps a BCP 47 tag (navigator.language, an Accept-Language
// entry, a stored choice) to an interface language: any Chinese tag gives
// Chinese, everything else English.
func ParseLang(tag string) Lang {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if tag == "zh" || strings.HasPrefix(tag, "zh-") || strings.HasPrefix(tag, "zh_") {
		return Chinese
	}
	return English
}

// Name is the language's name in itself, as the switch shows it.
func (l Lang) Name() string {
	if l == Chinese {
		return "中文"
	}
	return "English"
}

// T returns the message for key in l, formatted with args like fmt.Sprintf.
// A key missing from the catalog shows as itself, which the catalog test
// catches before it ships.
func (l Lang) T(key string, args ...any) string {
	m, ok := catalog[key]
	if !ok {
		return key
	}
	s := m.en
	if l == Chinese && m.zh != "" {
		s = m.zh
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// initialLang is the remembered choice, else the browser's language.
func initialLang(ctx app.Context) Lang {
	if !app.IsClient {
		return English
	}
	if v := app.Window().Get("localStorage").Call("getItem", langKey); v.Type() == app.TypeString && v.String() != "" {
		return ParseLang(v.String())
	}
	return ParseLang(app.Window().Get("navigator").Get("language").String())
}

// setLang switches the interface language and remembers the choice.
func setLang(ctx app.Context, l Lang) {
	if app.IsClient {
		app.Window().Get("localStorage").Call("setItem", langKey, string(l))
	}
	showLang(ctx, l)
}

// showLang renders the interface in l and marks the document's language,
// which screen readers and font selection (Chinese glyphs) rely on.
func showLang(ctx app.Context, l Lang) {
	if app.IsClient {
		app.Window().Get("document").Get("documentElement").Set("lang", string(l))
	}
	ctx.SetState(stateLang, l)
}
