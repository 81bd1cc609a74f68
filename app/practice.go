package app

import (
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/app/course"
	"github.com/tutor-dev/tutor/app/learn"
)

// practice is a practice session: due reviews first, then new items. Each
// answer is checked at once on the device, rated for FSRS, and stored in the
// IndexedDB queue before the next item appears; the sync loop uploads it.
type practice struct {
	app.Compo
	watched

	item     course.Item
	hasItem  bool
	isReview bool
	shownAt  time.Time
	lastID   string // the item just answered, not shown again at once

	answer string // typed answer
	picked []int  // sentence ordering: indices into item.Tokens, in order

	checked    bool
	grading    bool   // the device's grader is judging a typed answer the course's check refused
	grade      string // its verdict (api.GradeCorrect, ...), "" when it did not judge
	given      string
	result     course.Result
	suggested  int
	answeredAt time.Time
	duration   time.Duration

	saving   bool
	err      string
	answered int // answers recorded in this session
	newSeen  int // new items introduced in this session
}

func newPractice() *practice { return &practice{} }

func (p *practice) OnMount(ctx app.Context) {
	p.watch(ctx).OnChange(func() { p.ensureItem() })
	p.ensureItem()
}

// ensureItem puts the next item on screen when none is and content is there.
func (p *practice) ensureItem() {
	if p.hasItem || p.checked || p.saving || p.v.Pack == nil || p.v.User == nil {
		return
	}
	c, ok := nextCard(p.v.Pack, p.v.Reviews, time.Now(), p.lastID, p.newSeen < learn.NewPerSession)
	if !ok {
		return
	}
	p.item, p.isReview, p.hasItem = c.Item, c.Review, true
	if !c.Review {
		p.newSeen++
	}
	p.answer, p.picked, p.err = "", nil, ""
	p.shownAt = time.Now()
	p.ctx.Defer(func(app.Context) {
		clearInputs("answer")
		focus("answer")
	})
}

// focus moves the keyboard focus to the element with id, if it exists.
func focus(id string) {
	if !app.IsClient {
		return
	}
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}

func (p *practice) Render() app.UI {
	switch {
	case !p.v.Loaded:
		return page("practice", &p.watched, loading(&p.watched))
	case p.v.User == nil:
		return page("practice", &p.watched, needLogin(&p.watched))
	case p.v.Pack == nil:
		return page("practice", &p.watched, app.P().ID("no-content").Class("notice").Text(p.T("dashboard.needcontent")))
	case !p.hasItem:
		return page("practice", &p.watched, p.renderDone())
	}
	return page("practice", &p.watched,
		app.Div().Class("session").Body(
			app.Span().ID("answered-count").DataSet("value", strconv.Itoa(p.answered)).
				Text(p.T("practice.answered", p.answered)),
			app.If(p.isReview, func() app.UI { return app.Span().Class("tag").Text(p.T("practice.review")) }).
				Else(func() app.UI { return app.Span().Class("tag new").Text(p.T("practice.new")) }),
		),
		p.renderCard(),
	)
}

// renderDone ends a session: nothing is due, and either every item is
// learned or the session's share of new items has been introduced.
func (p *practice) renderDone() app.UI {
	if p.newSeen >= learn.NewPerSession {
		return app.Div().ID("all-done").Class("card").Body(
			app.P().Text(p.T("practice.sessiondone", p.newSeen)),
			app.Div().Class("actions").Body(
				app.A().Class("button primary").Href("/dashboard").Text(p.T("nav.dashboard")),
				app.Button().ID("more-new").Type("button").Text(p.T("practice.morenew")).
					OnClick(func(ctx app.Context, e app.Event) {
						p.newSeen = 0
						p.ensureItem()
					}),
			),
		)
	}
	return app.Div().ID("all-done").Class("card").Body(
		app.P().Text(p.T("practice.alldone")),
		app.A().Class("button").Href("/dashboard").Text(p.T("nav.dashboard")),
	)
}

func (p *practice) renderCard() app.UI {
	it := p.item
	return app.Div().ID("card").Class("card practice-card").
		DataSet("kind", it.Kind).DataSet("item", it.ID).DataSet("checked", strconv.FormatBool(p.checked)).
		DataSet("grader", strconv.FormatInt(p.v.Grader.Version, 10)). // the device's grader, 0 for none
		Body(
			app.P().Class("instruction").Text(p.instruction()),
			p.renderPrompt(),
			p.renderAnswerArea(),
			app.If(p.checked, func() app.UI { return p.renderFeedback() }),
			errorBox("practice-error", p.err),
		)
}

// instruction says what to do with the item, by kind.
func (p *practice) instruction() string {
	switch p.item.Kind {
	case course.KindVocab:
		return p.T("practice.vocab")
	case course.KindCloze:
		return p.T("practice.cloze")
	case course.KindTranslate:
		return p.T("practice.translate")
	case course.KindChoice:
		return p.T("practice.choice")
	case course.KindOrder:
		return p.T("practice.order")
	}
	return p.T("practice.answer")
}

func (p *practice) renderPrompt() app.UI {
	it := p.item
	prompt := it.Prompt
	if it.Kind == course.KindVocab && prompt == "" {
		prompt = it.Word
	}
	return app.Div().Class("prompt").Body(
		app.Div().ID("prompt").Class("prompt-text kind-"+it.Kind).Text(prompt),
		app.If(it.Hint != "" && !p.checked, func() app.UI {
			return app.Details().Class("hint").Body(
				app.Summary().Text(p.T("practice.hint")),
				app.Span().Text(it.Hint),
			)
		}),
	)
}

func (p *practice) renderAnswerArea() app.UI {
	switch p.item.Kind {
	case course.KindChoice:
		return p.renderChoices()
	case course.KindOrder:
		return p.renderOrder()
	}
	return app.Form().ID("answer-form").Class("answer").OnSubmit(p.submitTyped).Body(
		app.Input().ID("answer").Class("answer-input").Attr("autocomplete", "off").Attr("autocapitalize", "off").
			Attr("spellcheck", "false").Placeholder(p.T("practice.placeholder")).
			Disabled(p.checked).Value(p.answer).OnInput(p.ValueTo(&p.answer)),
		p.renderCheckButtons(),
	)
}

func (p *practice) renderCheckButtons() app.UI {
	if p.checked {
		return app.Div()
	}
	if p.grading {
		return app.Div().Class("actions").Body(app.P().ID("grading").Class("muted").Attr("role", "status").Text(p.T("practice.grading")))
	}
	return app.Div().Class("actions").Body(
		app.Button().ID("check").Type("submit").Class("primary").Text(p.T("practice.check")),
		app.Button().ID("dont-know").Type("button").Class("link").Text(p.T("practice.dontknow")).OnClick(p.dontKnow),
	)
}

func (p *practice) renderChoices() app.UI {
	it := p.item
	return app.Div().Class("answer").Body(
		app.Div().Class("choices").Body(app.Range(it.Choices).Slice(func(i int) app.UI {
			c := it.Choices[i]
			class := "choice"
			if p.checked && c == p.given {
				class += " picked"
			}
			if p.checked && c == p.result.Expected {
				class += " expected"
			}
			return app.Button().ID("choice-" + strconv.Itoa(i)).Type("button").Class(class).Disabled(p.checked).Text(c).
				OnClick(func(ctx app.Context, e app.Event) { p.check(ctx, c) })
		})),
		app.If(!p.checked, func() app.UI {
			return app.Button().ID("dont-know").Type("button").Class("link").Text(p.T("practice.dontknow")).OnClick(p.dontKnow)
		}),
	)
}

// renderOrder shows the sentence being built (tap a word to take it back)
// and the words left to place.
func (p *practice) renderOrder() app.UI {
	it := p.item
	used := make(map[int]bool, len(p.picked))
	for _, i := range p.picked {
		used[i] = true
	}
	return app.Div().Class("answer").Body(
		app.Div().ID("built").Class("built").Body(app.Range(p.picked).Slice(func(k int) app.UI {
			i := p.picked[k]
			return app.Button().Type("button").Class("token placed").Disabled(p.checked).Text(it.Tokens[i]).
				OnClick(func(ctx app.Context, e app.Event) { p.unpick(k) })
		})),
		app.Div().ID("tokens").Class("tokens").Body(app.Range(it.Tokens).Slice(func(i int) app.UI {
			return app.Button().ID("token-" + strconv.Itoa(i)).Type("button").Class("token").
				Disabled(p.checked || used[i]).Text(it.Tokens[i]).
				OnClick(func(ctx app.Context, e app.Event) { p.picked = append(p.picked, i) })
		})),
		app.If(!p.checked, func() app.UI {
			return app.Div().Class("actions").Body(
				app.Button().ID("check").Type("button").Class("primary").Disabled(len(p.picked) == 0).
					Text(p.T("practice.check")).OnClick(func(ctx app.Context, e app.Event) { p.check(ctx, p.orderedAnswer()) }),
				app.Button().ID("dont-know").Type("button").Class("link").Text(p.T("practice.dontknow")).OnClick(p.dontKnow),
			)
		}),
	)
}

func (p *practice) unpick(k int) {
	if k >= 0 && k < len(p.picked) {
		p.picked = append(p.picked[:k:k], p.picked[k+1:]...)
	}
}

// orderedAnswer is the sentence built from the placed words. Words are
// joined with spaces; course.Check ignores spaces next to Han characters.
func (p *practice) orderedAnswer() string {
	words := make([]string, len(p.picked))
	for k, i := range p.picked {
		words[k] = p.item.Tokens[i]
	}
	return strings.Join(words, " ")
}

func (p *practice) submitTyped(ctx app.Context, e app.Event) {
	if p.checked {
		p.rate(ctx, p.suggested)
		return
	}
	if strings.TrimSpace(p.answer) == "" {
		p.err = p.T("practice.empty")
		return
	}
	p.check(ctx, p.answer)
}

// check grades an answer at once, on the device: the course's check
// first, then, for a free English answer it refuses, the device's answer
// grader, which accepts other wordings of a right answer and tells a
// small error from a wrong answer (offline too).
func (p *practice) check(ctx app.Context, answer string) {
	if p.checked || p.grading || !p.hasItem {
		return
	}
	p.answeredAt = time.Now()
	p.duration = p.answeredAt.Sub(p.shownAt)
	p.given = answer
	p.result, p.grade = course.Check(p.item, answer), ""
	if p.result.Correct || !gradedOnDevice(p.v, p.item) {
		p.finishCheck()
		return
	}
	p.grading = true
	it := p.item
	p.ctx.Async(func() {
		g, err := tutor.GradeAnswer(it.Prompt, it.Answers, answer)
		p.ctx.Dispatch(func(app.Context) {
			if !p.grading || p.item.ID != it.ID || p.given != answer {
				return
			}
			p.grading = false
			if err == nil {
				p.applyGrade(g.Grade)
			} else {
				consoleWarn("tutor: the device's grader: " + err.Error())
			}
			p.finishCheck()
		})
	})
}

// applyGrade turns the grader's verdict into the course's: a correct
// answer is right, an acceptable one right with a small error (rated
// Hard, the reference shown).
func (p *practice) applyGrade(grade string) {
	p.grade = grade
	switch grade {
	case api.GradeCorrect:
		p.result.Correct, p.result.Typo = true, false
	case api.GradeAcceptable:
		p.result.Correct, p.result.Typo = true, true
	}
}

func (p *practice) finishCheck() {
	p.suggested = course.Rating(p.result, p.duration)
	p.checked, p.err = true, ""
	p.ctx.Defer(func(app.Context) { focus("continue") })
}

// gradedOnDevice reports whether the device's grader judges answers to
// it: typed English answers (the grader is trained on the English course's
// vocabulary, cloze and translation items), when a grader is loaded.
func gradedOnDevice(v View, it course.Item) bool {
	if !v.Grader.Grades() || v.Pack == nil || !v.Pack.Course.TeachesEnglish() {
		return false
	}
	switch it.Kind {
	case course.KindVocab, course.KindCloze, course.KindTranslate:
		return true
	}
	return false
}

// dontKnow shows the answer and counts the item as forgotten.
func (p *practice) dontKnow(ctx app.Context, e app.Event) {
	if p.checked || p.grading || !p.hasItem {
		return
	}
	p.answeredAt = time.Now()
	p.duration = p.answeredAt.Sub(p.shownAt)
	p.given = ""
	p.result = course.Result{}
	if len(p.item.Answers) > 0 {
		p.result.Expected = p.item.Answers[0]
	}
	p.suggested = 1
	p.checked, p.err = true, ""
	p.ctx.Defer(func(app.Context) { focus("continue") })
}

func (p *practice) renderFeedback() app.UI {
	r := p.result
	class, verdict := "feedback wrong", p.T("practice.wrong")
	switch {
	case p.grade == api.GradeCorrect:
		class, verdict = "feedback right", p.T("practice.accepted")
	case p.grade == api.GradeAcceptable:
		class, verdict = "feedback right", p.T("practice.almost")
	case r.Correct && r.Typo:
		class, verdict = "feedback right", p.T("practice.typo")
	case r.Correct:
		class, verdict = "feedback right", p.T("practice.right")
	}
	return app.Div().ID("feedback").Class(class).DataSet("correct", strconv.FormatBool(r.Correct)).DataSet("grade", p.grade).Body(
		app.P().Class("verdict").Text(verdict),
		app.If(!r.Correct || r.Typo, func() app.UI {
			return app.P().Body(app.Span().Text(p.T("practice.expected")+" "), app.Strong().ID("expected").Text(r.Expected))
		}),
		p.renderExample(),
		p.renderRatings(),
	)
}

// renderExample shows a vocabulary card's gloss and example after answering.
func (p *practice) renderExample() app.UI {
	it := p.item
	if it.Example == "" && it.Gloss == "" && it.Reading == "" {
		return app.Div()
	}
	// The reading comes only now: for pinyin items it is the answer.
	return app.Div().Class("example").Body(
		app.If(it.Word != "" || it.Reading != "", func() app.UI {
			return app.P().Body(app.Strong().Text(it.Word), app.Span().Class("reading").Text(" "+it.Reading))
		}),
		app.If(it.Gloss != "", func() app.UI { return app.P().Text(it.Gloss) }),
		app.If(it.Example != "", func() app.UI { return app.P().Lang(langOfCourse(p.v.Pack)).Text(it.Example) }),
		app.If(it.ExampleGloss != "", func() app.UI { return app.P().Class("muted").Text(it.ExampleGloss) }),
	)
}

// langOfCourse is the language the course teaches, for the lang attribute.
func langOfCourse(pk *course.Pack) string {
	if pk == nil {
		return ""
	}
	return pk.Course.TargetLang
}

// ratingKeys name the four FSRS ratings.
var ratingKeys = [...]string{1: "rating.again", 2: "rating.hard", 3: "rating.good", 4: "rating.easy"}

// renderRatings offers the FSRS rating: the suggested one is preselected
// (Continue), the learner may pick another.
func (p *practice) renderRatings() app.UI {
	return app.Div().Class("ratings").Body(
		app.Button().ID("continue").Type("button").Class("primary").Disabled(p.saving).
			Text(p.T("practice.continue", p.T(ratingKeys[p.suggested]))).
			OnClick(func(ctx app.Context, e app.Event) { p.rate(ctx, p.suggested) }),
		app.Div().Class("rating-buttons").Body(app.Range(ratingKeys[1:]).Slice(func(k int) app.UI {
			r := k + 1
			class := "rating"
			if r == p.suggested {
				class += " suggested"
			}
			return app.Button().ID("rate-" + strconv.Itoa(r)).Type("button").Class(class).Disabled(p.saving).
				Text(p.T(ratingKeys[r])).OnClick(func(ctx app.Context, e app.Event) { p.rate(ctx, r) })
		})),
	)
}

// rate records the answer with rating r and, once it is stored on the
// device, moves on to the next item.
func (p *practice) rate(ctx app.Context, r int) {
	if !p.checked || p.saving {
		return
	}
	ev := api.ReviewEvent{
		CourseID:   p.v.CourseID,
		ItemID:     p.item.ID,
		Answer:     p.given,
		Correct:    p.result.Correct,
		Rating:     r,
		AnsweredAt: p.answeredAt.UTC(),
		DurationMS: int(p.duration / time.Millisecond),
	}
	p.saving, p.err = true, ""
	ctx.Async(func() {
		err := tutor.Record(ev)
		p.ctx.Dispatch(func(ctx app.Context) {
			p.saving = false
			if err != nil {
				p.err = explain(p.lang, err)
				return
			}
			p.answered++
			p.lastID = p.item.ID
			p.hasItem, p.checked = false, false
			p.ensureItem()
		})
	})
}
