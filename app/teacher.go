package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
)

// teacherPage shows a teacher their classes with join codes, lets them
// create a class for a course, and shows each student's progress. It needs
// the server: it says so when offline.
type teacherPage struct {
	app.Compo
	watched

	classes   []api.Class
	courses   []api.CourseSummary
	loadErr   string
	loaded    bool
	create    api.CreateClassRequest
	creating  bool
	createErr string

	selected int64
	progress *api.ClassProgress
	progErr  string
}

func newTeacherPage() *teacherPage { return &teacherPage{} }

func (p *teacherPage) OnMount(ctx app.Context) {
	p.watch(ctx)
	ctx.Async(func() { p.load(ctx) })
}

func (p *teacherPage) load(ctx app.Context) {
	if !app.IsClient {
		return
	}
	bg := context.Background()
	classes, err := tutor.client.Classes(bg)
	var courses []api.CourseSummary
	if err == nil {
		courses, err = tutor.client.Courses(bg)
	}
	ctx.Dispatch(func(app.Context) {
		p.loaded = true
		if err != nil {
			p.loadErr = explain(p.lang, err)
			return
		}
		p.loadErr, p.classes, p.courses = "", classes, courses
		if p.create.CourseID == "" && len(courses) > 0 {
			p.create.CourseID = courses[0].ID
		}
	})
}

func (p *teacherPage) Render() app.UI {
	switch {
	case !p.v.Loaded:
		return page("teacher", &p.watched, loading(&p.watched))
	case p.v.User == nil:
		return page("teacher", &p.watched, needLogin(&p.watched))
	case !p.hasRole(roleTeacher, roleAdmin):
		return page("teacher", &p.watched, app.P().ID("forbidden").Class("notice error").Text(p.T("teacher.forbidden")))
	}
	return page("teacher", &p.watched,
		app.H1().Text(p.T("teacher.title")),
		errorBox("teacher-error", p.loadErr),
		app.If(!p.loaded, func() app.UI { return loading(&p.watched) }),
		p.renderClasses(),
		p.renderProgress(),
		p.renderCreate(),
	)
}

func (p *teacherPage) renderClasses() app.UI {
	if p.loaded && len(p.classes) == 0 && p.loadErr == "" {
		return app.P().ID("no-classes").Class("muted").Text(p.T("teacher.noclasses"))
	}
	return app.Table().ID("classes").Class("list").Body(
		app.THead().Body(app.Tr().Body(
			app.Th().Text(p.T("teacher.class")),
			app.Th().Text(p.T("teacher.course")),
			app.Th().Text(p.T("field.joincode")),
			app.Th().Text(p.T("teacher.members")),
			app.Th(),
		)),
		app.TBody().Body(app.Range(p.classes).Slice(func(i int) app.UI {
			c := p.classes[i]
			return app.Tr().ID("class-"+strconv.FormatInt(c.ID, 10)).Body(
				app.Td().Text(c.Name),
				app.Td().Text(p.courseTitle(c.CourseID)),
				app.Td().Body(app.Code().Class("join-code").Text(c.JoinCode)),
				app.Td().Class("num").Text(strconv.Itoa(c.Members)),
				app.Td().Body(app.Button().ID("show-progress-"+strconv.FormatInt(c.ID, 10)).Class("link").Text(p.T("teacher.showprogress")).
					OnClick(func(ctx app.Context, e app.Event) { p.showProgress(ctx, c.ID) })),
			)
		})),
	)
}

func (p *teacherPage) courseTitle(id string) string {
	for _, c := range p.courses {
		if c.ID == id {
			return c.Title
		}
	}
	return id
}

func (p *teacherPage) renderCreate() app.UI {
	return app.Form().ID("class-form").Class("card narrow").OnSubmit(p.submitCreate).Body(
		app.H2().Text(p.T("teacher.create")),
		field(p.T("teacher.classname"), app.Input().ID("class-name").Required(true).
			Value(p.create.Name).OnInput(p.ValueTo(&p.create.Name))),
		field(p.T("teacher.course"), app.Select().ID("class-course").OnChange(p.ValueTo(&p.create.CourseID)).Body(
			app.Range(p.courses).Slice(func(i int) app.UI {
				c := p.courses[i]
				return app.Option().Value(c.ID).Selected(c.ID == p.create.CourseID).
					Text(fmt.Sprintf("%s (%s)", c.Title, c.ID))
			}),
		)),
		errorBox("class-error", p.createErr),
		app.Button().ID("class-create").Type("submit").Class("primary").Disabled(p.creating).Text(p.T("teacher.create.submit")),
	)
}

func (p *teacherPage) submitCreate(ctx app.Context, e app.Event) {
	req := p.create
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || req.CourseID == "" {
		p.createErr = p.T("teacher.create.missing")
		return
	}
	p.creating, p.createErr = true, ""
	ctx.Async(func() {
		c, err := tutor.client.CreateClass(context.Background(), req)
		p.ctx.Dispatch(func(app.Context) {
			p.creating = false
			if err != nil {
				p.createErr = explain(p.lang, err)
				return
			}
			p.classes = append(p.classes, c)
			p.create.Name = ""
			p.ctx.Defer(func(app.Context) { clearInputs("class-name") })
		})
	})
}

func (p *teacherPage) showProgress(ctx app.Context, classID int64) {
	p.selected, p.progress, p.progErr = classID, nil, ""
	ctx.Async(func() {
		pr, err := tutor.client.ClassProgress(context.Background(), classID)
		p.ctx.Dispatch(func(app.Context) {
			if p.selected != classID {
				return
			}
			if err != nil {
				p.progErr = explain(p.lang, err)
				return
			}
			p.progress = &pr
		})
	})
}

func (p *teacherPage) renderProgress() app.UI {
	if p.selected == 0 {
		return app.Div()
	}
	if p.progress == nil {
		return app.Div().ID("progress").Class("card").Body(
			errorBox("progress-error", p.progErr),
			app.If(p.progErr == "", func() app.UI { return loading(&p.watched) }),
		)
	}
	pr := p.progress
	return app.Div().ID("progress").Class("card").Body(
		app.H2().Text(p.T("teacher.progress", pr.Class.Name)),
		app.If(len(pr.Students) == 0, func() app.UI {
			return app.P().Class("muted").Text(p.T("teacher.nostudents", pr.Class.JoinCode))
		}),
		app.Range(pr.Students).Slice(func(i int) app.UI { return p.renderStudent(pr.Students[i]) }),
	)
}

func (p *teacherPage) renderStudent(s api.Progress) app.UI {
	last := p.T("teacher.never")
	if s.LastActive != nil {
		last = s.LastActive.Local().Format(time.DateTime)
	}
	return app.Div().Class("student").DataSet("user", strconv.FormatInt(s.UserID, 10)).Body(
		app.H3().Text(userLabel(api.User{Username: s.Username, DisplayName: s.DisplayName})),
		app.Div().Class("stats small").Body(
			stat("", p.T("dashboard.reviews"), s.Reviews),
			stat("", p.T("dashboard.due"), s.Due),
			stat("", p.T("dashboard.learned"), s.Learned),
			stat("", p.T("dashboard.streak"), s.Streak),
			stat("", p.T("teacher.accuracy"), int(s.Accuracy*100+0.5)),
		),
		app.P().Class("muted").Text(p.T("teacher.lastactive", last)),
		app.Range(s.Units).Slice(func(i int) app.UI {
			u := s.Units[i]
			return progressBar(u.Title, u.Learned, u.Items)
		}),
	)
}
