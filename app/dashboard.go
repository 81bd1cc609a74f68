package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
)

// dashboard is the learner's home: what is due, the streak, progress per
// unit, answers waiting to sync, and the way into practice. Everything on it
// is computed on the device from the review log, so it works offline.
type dashboard struct {
	app.Compo
	watched

	joinCode string
	joinErr  string
	busy     bool
	err      string
}

func newDashboard() *dashboard { return &dashboard{} }

func (p *dashboard) OnMount(ctx app.Context) { p.watch(ctx) }

func (p *dashboard) Render() app.UI {
	switch {
	case !p.v.Loaded:
		return page("dashboard", &p.watched, loading(&p.watched))
	case p.v.User == nil:
		return page("dashboard", &p.watched, needLogin(&p.watched))
	}
	return page("dashboard", &p.watched,
		app.H1().Text(p.T("dashboard.hello", p.v.User.DisplayName)),
		p.renderCourse(),
		// Writing needs no course, so the way there is shown to everyone.
		app.P().Body(app.A().ID("write-link").Class("button big").Href(PathWrite).Text(p.T("dashboard.write"))),
		p.renderRejected(),
		p.renderJoin(),
	)
}

// renderCourse shows the course being practised and the learner's state in it.
func (p *dashboard) renderCourse() app.UI {
	if len(p.v.Classes) == 0 && p.hasRole(roleTeacher, roleAdmin) {
		return app.P().ID("no-class").Class("notice").Body(
			app.Text(p.T("dashboard.staff")+" "),
			app.A().Href(PathTeacher).Text(p.T("nav.teacher")),
		)
	}
	if len(p.v.Classes) == 0 {
		return app.P().ID("no-class").Class("notice").Text(p.T("dashboard.noclass"))
	}
	if p.v.Pack == nil {
		msg := p.T("dashboard.downloading")
		if !p.v.Online {
			msg = p.T("dashboard.needcontent")
		}
		return app.Div().Body(p.renderCoursePicker(), app.P().ID("no-content").Class("notice").Text(msg))
	}
	s := summarize(p.v.Pack, p.v.Reviews, time.Now())
	return app.Div().Body(
		p.renderCoursePicker(),
		app.Div().Class("stats").Body(
			stat("due-count", p.T("dashboard.due"), s.Due),
			stat("streak", p.T("dashboard.streak"), s.Streak),
			stat("learned", p.T("dashboard.learned"), s.Learned),
			stat("reviews", p.T("dashboard.reviews"), s.Reviews),
			stat("pending-sync", p.T("dashboard.pending"), p.v.Pending),
		),
		app.A().ID("practise").Class("button primary big").Href("/practice").Text(p.practiseLabel(s)),
		app.If(s.Reviews > 0, func() app.UI {
			return app.P().Class("muted").Text(p.T("dashboard.accuracy", int(s.Accuracy*100+0.5)))
		}),
		app.H2().Text(p.T("dashboard.units")),
		app.Div().ID("units").Class("units").Body(
			app.Range(s.Units).Slice(func(i int) app.UI {
				u := s.Units[i]
				return progressBar(u.Title, u.Learned, u.Items)
			}),
		),
	)
}

func (p *dashboard) practiseLabel(s api.Progress) string {
	if s.Due > 0 {
		return p.T("dashboard.practise.due", s.Due)
	}
	return p.T("dashboard.practise")
}

// renderCoursePicker lets a learner in classes with different courses choose.
func (p *dashboard) renderCoursePicker() app.UI {
	courses := classCourses(p.v.Classes)
	title := p.v.CourseID
	if p.v.Pack != nil && p.v.Pack.Course.Title != "" {
		title = p.v.Pack.Course.Title
	}
	if len(courses) < 2 {
		return app.P().ID("course-title").Class("course-title").Text(title)
	}
	return field(p.T("dashboard.course"), app.Select().ID("course-select").OnChange(p.selectCourse).Body(
		app.Range(courses).Slice(func(i int) app.UI {
			return app.Option().Value(courses[i]).Selected(courses[i] == p.v.CourseID).Text(courses[i])
		}),
	))
}

// classCourses lists the distinct courses of the classes, in class order.
func classCourses(classes []api.Class) []string {
	var ids []string
	seen := map[string]bool{}
	for _, c := range classes {
		if !seen[c.CourseID] {
			seen[c.CourseID] = true
			ids = append(ids, c.CourseID)
		}
	}
	return ids
}

func (p *dashboard) selectCourse(ctx app.Context, e app.Event) {
	id := ctx.JSSrc().Get("value").String()
	ctx.Async(func() {
		err := tutor.SelectCourse(id)
		p.ctx.Dispatch(func(app.Context) { p.err = explain(p.lang, err) })
	})
}

// renderRejected lists the answers the server refused, so that nothing
// disappears silently; the learner may discard them.
func (p *dashboard) renderRejected() app.UI {
	if len(p.v.Rejected) == 0 {
		return app.Div()
	}
	return app.Div().ID("rejected").Class("card warn").Body(
		app.H2().Text(p.T("rejected.title", len(p.v.Rejected))),
		app.P().Class("muted").Text(p.T("rejected.lead")),
		app.Ul().Body(app.Range(p.v.Rejected).Slice(func(i int) app.UI {
			q := p.v.Rejected[i]
			return app.Li().Body(
				app.Span().Text(fmt.Sprintf("%s · %s · %q — %s",
					q.Event.AnsweredAt.Local().Format("2006-01-02 15:04"), q.Event.ItemID, q.Event.Answer, q.Rejected)),
				app.Button().Class("link").Text(p.T("rejected.discard")).OnClick(func(ctx app.Context, e app.Event) {
					ctx.Async(func() {
						err := tutor.Forget(q.ID)
						p.ctx.Dispatch(func(app.Context) { p.err = explain(p.lang, err) })
					})
				}),
			)
		})),
		errorBox("rejected-error", p.err),
	)
}

// renderJoin lets a logged-in user join another class.
func (p *dashboard) renderJoin() app.UI {
	return app.Form().ID("join-form").Class("card narrow").OnSubmit(p.join).Body(
		app.H2().Text(p.T("join.title")),
		app.If(len(p.v.Classes) > 0, func() app.UI {
			return app.P().Class("muted").Text(p.T("join.current", classNames(p.v.Classes)))
		}),
		field(p.T("field.joincode"), app.Input().ID("join-code").Attr("autocomplete", "off").
			Value(p.joinCode).OnInput(p.ValueTo(&p.joinCode))),
		errorBox("join-error", p.joinErr),
		app.Button().ID("join-submit").Type("submit").Disabled(p.busy).Text(p.T("join.submit")),
	)
}

func classNames(cs []api.Class) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func (p *dashboard) join(ctx app.Context, e app.Event) {
	code := strings.TrimSpace(p.joinCode)
	if code == "" {
		p.joinErr = p.T("join.missing")
		return
	}
	p.busy, p.joinErr = true, ""
	ctx.Async(func() {
		err := tutor.JoinClass(code)
		p.ctx.Dispatch(func(app.Context) {
			p.busy = false
			p.joinErr = explain(p.lang, err)
			if err == nil {
				p.joinCode = ""
				p.ctx.Defer(func(app.Context) { clearInputs("join-code") })
			}
		})
	})
}

// stat is one number on the dashboard; its element carries the number in
// data-value for tests and scripts.
func stat(id, label string, n int) app.UI {
	d := app.Div().Class("stat").DataSet("value", strconv.Itoa(n))
	if id != "" {
		d = d.ID(id)
	}
	return d.Body(
		app.Div().Class("num").Text(strconv.Itoa(n)),
		app.Div().Class("label").Text(label),
	)
}
