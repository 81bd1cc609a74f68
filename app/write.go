package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
)

// writePage is where the learner writes English freely: after a pause in the
// typing the text is checked and each error underlined; a tap or hover on an
// underline explains it, and one click applies the fix. Checking asks the
// server (POST /api/v1/check) until the in-browser model exists. The draft
// stays in localStorage, so that going offline, a server without a checker
// or a reload never loses what was written.
type writePage struct {
	app.Compo
	watched

	text       string
	draftFor   int64 // the user whose draft text is (0: none loaded yet)
	typedSeq   int   // counts edits of text; a check answers only the latest
	checking   bool
	result     *api.CheckResult // the last answer, for result.Text
	selected   int              // the edit being explained, -1 for none
	problem    string           // why the text is not checked right now
	problemKey string           // problem's kind, in data-problem for tests
	model      int64            // the on-device model version the page last saw
}

func newWritePage() *writePage { return &writePage{selected: -1} }

// How long typing must pause before the text is checked: on the server,
// shorter would send a request for nearly every key; on the device a check
// takes a few milliseconds, so the underlines follow the typing closely.
const (
	checkPause       = 400 * time.Millisecond
	deviceCheckPause = 150 * time.Millisecond
)

func (p *writePage) OnMount(ctx app.Context) {
	p.watch(ctx).OnChange(func() {
		p.loadDraft()
		p.recheckOnline()
		p.recheckNewModel()
	})
	p.loadDraft()
}

// recheckOnline checks the draft again when the connection comes back after
// a check failed for want of it, as the offline notice promises.
func (p *writePage) recheckOnline() {
	if p.v.Online && p.problemKey == "offline" && !p.checking {
		p.problemKey = "reconnecting"
		p.scheduleCheck()
	}
}

// recheckNewModel checks the text again when a model (another version)
// becomes ready on the device: offline, that is when checking can start.
func (p *writePage) recheckNewModel() {
	m := p.v.Model
	if !m.Checks() || m.Version == p.model {
		return
	}
	p.model = m.Version
	if !p.checking {
		p.scheduleCheck()
	}
}

// loadDraft puts the user's saved draft in the editor once the session is
// known, and checks it.
func (p *writePage) loadDraft() {
	if p.v.User == nil || p.draftFor == p.v.User.ID {
		return
	}
	p.draftFor = p.v.User.ID
	p.text = readDraft(p.draftFor)
	p.ctx.Defer(func(app.Context) { setInput("write-text", p.text) })
	p.scheduleCheck()
}

func (p *writePage) Render() app.UI {
	switch {
	case !p.v.Loaded:
		return page("write", &p.watched, loading(&p.watched))
	case p.v.User == nil:
		return page("write", &p.watched, needLogin(&p.watched))
	}
	return page("write", &p.watched,
		app.H1().Text(p.T("write.title")),
		p.renderSource(),
		app.Textarea().ID("write-text").Class("write-text").Rows(6).
			Attr("lang", "en").Attr("spellcheck", "false").
			Placeholder(p.T("write.placeholder")).
			OnInput(p.typed),
		p.renderStatus(),
		p.renderMarked(),
		p.renderDetail(),
	)
}

// renderSource says where the text is checked, and why the newest model
// is not in use when an update was refused.
func (p *writePage) renderSource() app.UI {
	m := p.v.Model
	source := app.P().ID("write-source").Class("muted").DataSet("source", "server").Text(p.T("write.server"))
	if m.Checks() {
		source = app.P().ID("write-source").Class("muted").DataSet("source", "device").
			DataSet("model", strconv.FormatInt(m.Version, 10)).Text(p.T("write.device", m.Version))
	}
	return app.Div().Body(
		source,
		app.If(m.Problem != "", func() app.UI {
			return app.Div().ID("write-model-problem").Class("notice warn").Body(
				app.Text(p.T("write.modelproblem")),
				app.Details().Class("muted").Body(app.Summary().Text(p.T("write.details")), app.Text(m.Problem)),
			)
		}),
	)
}

// renderStatus says whether the text is being checked, checked, or why not.
func (p *writePage) renderStatus() app.UI {
	if p.problem != "" {
		return app.Div().ID("write-problem").Class("notice warn").Attr("role", "status").
			DataSet("problem", p.problemKey).Text(p.problem)
	}
	msg := ""
	switch {
	case p.checking:
		msg = p.T("write.checking")
	case p.current() && len(p.result.Edits) == 0:
		msg = p.T("write.clean")
	case p.current():
		msg = p.T("write.found", len(p.result.Edits))
	}
	return app.P().ID("write-status").Class("muted").Attr("role", "status").Text(msg)
}

// current reports whether the last result is for the text as it is now.
func (p *writePage) current() bool {
	return p.result != nil && p.result.Text == p.text
}

// renderMarked draws the checked text with each edit's span underlined.
func (p *writePage) renderMarked() app.UI {
	if !p.current() || len(p.result.Edits) == 0 {
		return app.Div().ID("write-marked").Class("write-marked empty")
	}
	segs := splitMarked(p.result.Text, p.result.Edits)
	return app.Div().ID("write-marked").Class("write-marked").Attr("lang", "en").Body(
		app.Range(segs).Slice(func(i int) app.UI {
			s := segs[i]
			if !s.marked() {
				return app.Text(s.Text)
			}
			return p.renderMark(s)
		}),
	)
}

// renderMark is one underlined span; an insertion shows as a caret.
func (p *writePage) renderMark(s segment) app.UI {
	class := "mark"
	text := s.Text
	if text == "" {
		class, text = "mark insert", "‸"
	}
	if s.Edit == p.selected {
		class += " selected"
	}
	e := s.Edit
	show := func(ctx app.Context, ev app.Event) { p.selected = e }
	return app.Button().Type("button").Class(class).ID("mark-"+strconv.Itoa(e)).
		DataSet("edit", strconv.Itoa(e)).DataSet("type", p.result.Edits[e].Type).
		Title(p.explanation(p.result.Edits[e])).
		On("mouseenter", show).OnClick(show).
		Text(text)
}

// explanation is the edit's reason in the interface language.
func (p *writePage) explanation(e api.CheckEdit) string {
	if p.lang == Chinese && e.ExplanationZH != "" {
		return e.ExplanationZH
	}
	if e.ExplanationEN != "" {
		return e.ExplanationEN
	}
	return e.ExplanationZH
}

// renderDetail explains the selected edit: why, what to write, an example
// of the rule, and the button that applies the fix.
func (p *writePage) renderDetail() app.UI {
	if !p.current() || p.selected < 0 || p.selected >= len(p.result.Edits) {
		return app.Div().ID("write-detail").Class("empty")
	}
	e := p.result.Edits[p.selected]
	wrong := spanText(p.result.Text, e)
	return app.Div().ID("write-detail").Class("card write-detail").DataSet("edit", strconv.Itoa(p.selected)).Body(
		app.P().ID("write-explanation").Text(p.explanation(e)),
		app.P().Class("fix").Attr("lang", "en").Body(
			app.Span().Class("wrong").Text(orDash(wrong)),
			app.Text(" → "),
			app.Span().ID("write-replacement").Class("right").Text(orDash(e.Replacement)),
		),
		app.If(e.Example != nil, func() app.UI {
			return app.P().ID("write-example").Class("muted example").Attr("lang", "en").Body(
				app.Span().Text(p.T("write.example")+" "),
				app.Span().Class("wrong").Text(e.Example.Wrong),
				app.Text(" → "),
				app.Span().Class("right").Text(e.Example.Right),
			)
		}),
		app.Button().ID("write-apply").Type("button").Class("primary").Text(p.T("write.apply")).OnClick(p.apply),
	)
}

// orDash shows an empty side of a fix (a deletion, an insertion) as a dash.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// typed keeps the draft and schedules a check after the typing pause.
func (p *writePage) typed(ctx app.Context, e app.Event) {
	p.text = ctx.JSSrc().Get("value").String()
	p.selected = -1
	saveDraft(p.draftFor, p.text)
	p.scheduleCheck()
}

// scheduleCheck checks the text once typing has paused for checkPause;
// every keystroke in between supersedes the pending check.
func (p *writePage) scheduleCheck() {
	p.typedSeq++
	seq := p.typedSeq
	pause := checkPause
	if p.v.Model.Checks() {
		pause = deviceCheckPause
	}
	p.ctx.After(pause, func(app.Context) {
		if seq == p.typedSeq {
			p.check()
		}
	})
}

// apply replaces the selected edit's span with its fix and checks again.
func (p *writePage) apply(ctx app.Context, e app.Event) {
	if !p.current() || p.selected < 0 || p.selected >= len(p.result.Edits) {
		return
	}
	fixed, err := applyFix(p.text, p.result.Edits[p.selected])
	if err != nil {
		p.problem, p.problemKey = err.Error(), "stale"
		return
	}
	p.text, p.selected = fixed, -1
	saveDraft(p.draftFor, p.text)
	p.ctx.Defer(func(app.Context) { setInput("write-text", p.text) })
	p.typedSeq++
	p.check()
}

// check sends the text to the server; the answer is kept only if the text
// has not changed meanwhile.
func (p *writePage) check() {
	text, seq := p.text, p.typedSeq
	if isBlank(text) {
		p.result, p.problem, p.problemKey, p.checking = nil, "", "", false
		return
	}
	p.checking = true
	p.ctx.Async(func() {
		res, err := tutor.Check(text)
		p.ctx.Dispatch(func(app.Context) {
			if seq != p.typedSeq {
				return // the learner typed on; a newer check is scheduled
			}
			p.checking = false
			p.problemKey, p.problem = p.checkProblem(err)
			if err == nil {
				if p.result == nil || p.result.Text != res.Text {
					p.selected = -1 // its index means nothing in the new edits
				}
				p.result = &res
			}
		})
	})
}

// checkProblem turns a failed check into what the learner should know. The
// text is never touched: it is in the editor and in the draft.
func (p *writePage) checkProblem(err error) (key, msg string) {
	var ae *APIError
	switch {
	case err == nil:
		return "", ""
	case isOffline(err):
		return "offline", p.T("write.offline")
	case errors.As(err, &ae) && ae.Status == 503:
		return "unavailable", p.T("write.unavailable")
	case errors.As(err, &ae) && ae.Code == api.CodeNotEnglish:
		return ae.Code, p.T("write.notenglish")
	case errors.As(err, &ae) && ae.Code == api.CodeTooLong:
		return ae.Code, p.T("write.toolong", api.MaxCheckRunes)
	case errors.As(err, &ae):
		return ae.Code, ae.Error()
	}
	return "error", err.Error()
}

// isBlank reports whether text has nothing to check.
func isBlank(text string) bool {
	for _, r := range text {
		if r != ' ' && r != '\n' && r != '\t' && r != '\r' {
			return false
		}
	}
	return true
}

// Check marks the errors of text on this device when it has a grammar
// checker, and otherwise asks the server.
func (rt *runtime) Check(text string) (api.CheckResult, error) {
	rt.mu.Lock()
	c, e := rt.client, rt.engine
	rt.mu.Unlock()
	if e != nil && e.Status().Checks() {
		return e.Check(text)
	}
	if c == nil {
		return api.CheckResult{}, &NetworkError{Err: errors.New("the app has not started")}
	}
	return c.Check(context.Background(), text)
}

// draftKey is the localStorage key of a user's draft; one per user, since
// several learners may share a device.
func draftKey(userID int64) string { return fmt.Sprintf("tutor.draft:%d", userID) }

// readDraft returns the user's saved draft, or "".
func readDraft(userID int64) string {
	if !app.IsClient || userID == 0 {
		return ""
	}
	v := app.Window().Get("localStorage").Call("getItem", draftKey(userID))
	if v.Type() != app.TypeString {
		return ""
	}
	return v.String()
}

// saveDraft keeps the draft; a full or disabled storage only costs the
// draft's survival across reloads, so its error is ignored.
func saveDraft(userID int64, text string) {
	if !app.IsClient || userID == 0 {
		return
	}
	defer func() { _ = recover() }() // setItem throws when storage is full or disabled
	app.Window().Get("localStorage").Call("setItem", draftKey(userID), text)
}

// setInput sets the value of the input or textarea with id. Call it from a
// Defer, after the update (see clearInputs).
func setInput(id, value string) {
	if !app.IsClient {
		return
	}
	if el := app.Window().GetElementByID(id); el.Truthy() && el.Get("value").String() != value {
		el.Set("value", value)
	}
}
