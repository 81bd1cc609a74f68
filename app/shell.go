package app

import (
	"fmt"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
)

// watched is embedded by every page: the runtime's View and the interface
// language, kept current by go-app's state observers.
type watched struct {
	v    View
	lang Lang
	// ctx is the page's own context, kept from OnMount. Work that ends after
	// an event (a request, a store write) reports through it: an event's
	// context belongs to the element clicked, which may be gone by then, and
	// go-app drops the dispatches and defers of unmounted elements.
	ctx app.Context
}

// watch subscribes the page to the runtime and starts the runtime (once per
// page load).
func (w *watched) watch(ctx app.Context) app.Observer {
	w.ctx = ctx
	ctx.ObserveState(stateLang, &w.lang)
	o := ctx.ObserveState(stateView, &w.v)
	tutor.start(ctx)
	return o
}

// T translates key into the page's language.
func (w *watched) T(key string, args ...any) string { return w.lang.T(key, args...) }

// hasRole reports whether the logged-in user has one of roles.
func (w *watched) hasRole(roles ...string) bool {
	if w.v.User == nil {
		return false
	}
	for _, r := range roles {
		if w.v.User.Role == r {
			return true
		}
	}
	return false
}

// Roles as the API spells them.
const (
	roleStudent = "student"
	roleTeacher = "teacher"
	roleAdmin   = "admin"
)

// topBar is the header of every page: navigation by role, the connection
// and sync state, the language switch and logging out.
type topBar struct {
	app.Compo
	watched
	err string
}

func (b *topBar) OnMount(ctx app.Context) { b.watch(ctx) }

func (b *topBar) Render() app.UI {
	return app.Header().Class("top").Body(
		app.A().Class("brand").Href(b.homeLink()).Text("Tutor"),
		b.renderNav(),
		app.Div().Class("status").Body(
			b.renderConnection(),
			b.renderPending(),
			b.renderLangSwitch(),
			app.If(b.v.User != nil, func() app.UI {
				return app.Button().ID("logout").Class("link").Text(b.T("nav.logout")).OnClick(b.logout)
			}),
		),
		app.If(b.err != "", func() app.UI { return errorBox("logout-error", b.err) }),
	)
}

func (b *topBar) homeLink() string {
	if b.v.User != nil {
		return "/dashboard"
	}
	return "/"
}

func (b *topBar) renderNav() app.UI {
	if b.v.User == nil {
		return app.Nav()
	}
	return app.Nav().Body(
		app.A().Href("/dashboard").Text(b.T("nav.dashboard")),
		app.A().Href("/practice").Text(b.T("nav.practice")),
		app.A().Href(PathWrite).Text(b.T("nav.write")),
		app.If(b.hasRole(roleTeacher, roleAdmin), func() app.UI {
			return app.A().Href("/teacher").Text(b.T("nav.teacher"))
		}),
		app.If(b.hasRole(roleAdmin), func() app.UI {
			return app.A().Href("/admin").Text(b.T("nav.admin"))
		}),
	)
}

func (b *topBar) renderConnection() app.UI {
	label, class := b.T("status.offline"), "badge offline"
	if b.v.Online {
		label, class = b.T("status.online"), "badge online"
	}
	return app.Span().ID("net-status").Class(class).
		DataSet("online", strconv.FormatBool(b.v.Online)).Text(label)
}

func (b *topBar) renderPending() app.UI {
	class := "badge"
	if b.v.Pending > 0 {
		class = "badge pending"
	}
	return app.Span().ID("pending-count").Class(class).
		DataSet("pending", strconv.Itoa(b.v.Pending)).
		Title(b.T("status.pending.title")).
		Text(b.T("status.pending", b.v.Pending))
}

func (b *topBar) renderLangSwitch() app.UI {
	return app.Span().Class("langs").Body(
		app.Range(Langs).Slice(func(i int) app.UI {
			l := Langs[i]
			class := "link"
			if l == b.current() {
				class = "link active"
			}
			return app.Button().ID("lang-" + string(l)).Class(class).Lang(string(l)).Text(l.Name()).
				OnClick(func(ctx app.Context, e app.Event) { setLang(ctx, l) })
		}),
	)
}

// current is the language shown; before the runtime has started it is English,
// as the server prerenders.
func (b *topBar) current() Lang {
	if b.lang == "" {
		return English
	}
	return b.lang
}

func (b *topBar) logout(ctx app.Context, e app.Event) {
	pending := b.v.Pending
	if pending > 0 && !confirm(b.T("logout.confirm", pending)) {
		return
	}
	ctx.Async(func() {
		err := tutor.LogOut()
		b.ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				b.err = err.Error()
				return
			}
			b.err = ""
			ctx.Navigate("/")
		})
	})
}

// confirm asks a yes/no question with the browser's dialog.
func confirm(msg string) bool {
	if !app.IsClient {
		return true
	}
	return app.Window().Call("confirm", msg).Bool()
}

// notices shows what every logged-in page must show: a session that ended,
// background problems, and answers the server refused.
func notices(w *watched) app.UI {
	return app.Div().Class("notices").Body(
		app.If(w.v.SessionExpired, func() app.UI {
			return app.Div().ID("session-expired").Class("notice warn").Body(
				app.Text(w.T("session.expired", w.v.Pending)+" "),
				app.A().Href("/").Text(w.T("session.login")),
			)
		}),
		app.If(w.v.Problem != "", func() app.UI {
			return app.Div().ID("problem").Class("notice error").Text(w.v.Problem)
		}),
	)
}

// page lays out a page: the top bar, notices, then the body.
func page(id string, w *watched, body ...app.UI) app.UI {
	// data-ready tells scripts and tests that the offline store has been
	// read and the page shows real data.
	return app.Div().ID(id).Class("page").DataSet("ready", strconv.FormatBool(w.v.Loaded)).Body(
		&topBar{},
		app.Main().Body(
			notices(w),
			app.Div().Body(body...),
		),
	)
}

// errorBox shows an error message; empty messages render nothing.
func errorBox(id, msg string) app.UI {
	if msg == "" {
		return app.Div().ID(id).Class("error-box empty")
	}
	return app.Div().ID(id).Class("error-box").Attr("role", "alert").Text(msg)
}

// clearInputs empties the input elements with the given ids. A component
// field set to "" does not do it: for an empty value go-app only removes the
// value attribute, which leaves the typed text in the field. Call it from a
// Defer, after the update.
func clearInputs(ids ...string) {
	if !app.IsClient {
		return
	}
	for _, id := range ids {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			el.Set("value", "")
		}
	}
}

// field is a labelled form input.
func field(label string, input app.UI) app.UI {
	return app.Label().Class("field").Body(app.Span().Text(label), input)
}

// progressBar shows done out of total as a bar with its numbers.
func progressBar(label string, done, total int) app.UI {
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	return app.Div().Class("progress").Body(
		app.Div().Class("progress-label").Body(
			app.Span().Text(label),
			app.Span().Class("num").Text(fmt.Sprintf("%d / %d", done, total)),
		),
		app.Div().Class("bar").Body(
			app.Div().Class("fill").Style("width", fmt.Sprintf("%.1f%%", pct)),
		),
	)
}

// loading shows that the offline store is still being read.
func loading(w *watched) app.UI {
	return app.P().Class("muted").Text(w.T("loading"))
}

// needLogin tells a logged-out visitor of an inner page where to go.
func needLogin(w *watched) app.UI {
	return app.Div().ID("need-login").Class("card").Body(
		app.P().Text(w.T("login.needed")),
		app.A().Class("button").Href("/").Text(w.T("login.title")),
	)
}

// roleName translates a role.
func roleName(l Lang, role string) string { return l.T("role." + role) }

// userLabel is how a user is named in lists.
func userLabel(u api.User) string {
	if u.DisplayName != "" && u.DisplayName != u.Username {
		return u.DisplayName + " (" + u.Username + ")"
	}
	return u.Username
}
