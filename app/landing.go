package app

import (
	"context"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
)

// landing is the front page: log in, or sign up into a class with its join
// code. A visitor who is already logged in goes on to the dashboard.
type landing struct {
	app.Compo
	watched

	login      api.LoginRequest
	loginErr   string
	signup     api.SignupRequest
	signupErr  string
	busy       bool
	setupState string // "needed" when the server has no admin yet
}

func newLanding() *landing { return &landing{} }

func (p *landing) OnMount(ctx app.Context) {
	p.watch(ctx).OnChange(func() { p.leaveIfLoggedIn(ctx) })
	p.leaveIfLoggedIn(ctx)
	if code := ctx.Page().URL().Query().Get("join"); code != "" {
		p.signup.JoinCode = code
	}
	ctx.Async(func() { p.checkSetup(ctx) })
}

// leaveIfLoggedIn sends a logged-in user on to their dashboard.
func (p *landing) leaveIfLoggedIn(ctx app.Context) {
	if p.v.Loaded && p.v.User != nil && !p.v.SessionExpired {
		ctx.Navigate("/dashboard")
	}
}

// checkSetup tells a first visitor that the server still needs its admin.
func (p *landing) checkSetup(ctx app.Context) {
	if !app.IsClient {
		return
	}
	c := &Client{Base: app.Window().Get("location").Get("origin").String()}
	needed, err := c.SetupNeeded(context.Background())
	if err != nil || !needed {
		return
	}
	ctx.Dispatch(func(app.Context) { p.setupState = "needed" })
}

func (p *landing) Render() app.UI {
	return page("landing", &p.watched,
		app.Section().Class("hero").Body(
			app.H1().Text(p.T("landing.title")),
			app.P().Class("lead").Text(p.T("landing.lead")),
		),
		app.If(p.setupState == "needed", func() app.UI {
			return app.Div().ID("setup-needed").Class("notice").Text(p.T("setup.needed"))
		}),
		app.Div().Class("columns").Body(
			p.renderLogin(),
			p.renderSignup(),
		),
	)
}

func (p *landing) renderLogin() app.UI {
	return app.Form().ID("login-form").Class("card").OnSubmit(p.submitLogin).Body(
		app.H2().Text(p.T("login.title")),
		field(p.T("field.username"), app.Input().ID("login-username").Name("username").
			Attr("autocomplete", "username").Required(true).Value(p.login.Username).
			OnInput(p.ValueTo(&p.login.Username))),
		field(p.T("field.password"), app.Input().ID("login-password").Name("password").Type("password").
			Attr("autocomplete", "current-password").Required(true).Value(p.login.Password).
			OnInput(p.ValueTo(&p.login.Password))),
		errorBox("login-error", p.loginErr),
		app.Button().ID("login-submit").Type("submit").Class("primary").Disabled(p.busy).Text(p.T("login.submit")),
	)
}

func (p *landing) renderSignup() app.UI {
	return app.Form().ID("signup-form").Class("card").OnSubmit(p.submitSignup).Body(
		app.H2().Text(p.T("signup.title")),
		app.P().Class("muted").Text(p.T("signup.lead")),
		field(p.T("field.joincode"), app.Input().ID("signup-code").Name("join_code").
			Attr("autocomplete", "off").Required(true).Value(p.signup.JoinCode).
			OnInput(p.ValueTo(&p.signup.JoinCode))),
		field(p.T("field.displayname"), app.Input().ID("signup-name").Name("display_name").
			Attr("autocomplete", "name").Value(p.signup.DisplayName).
			OnInput(p.ValueTo(&p.signup.DisplayName))),
		field(p.T("field.username"), app.Input().ID("signup-username").Name("username").
			Attr("autocomplete", "username").Required(true).Value(p.signup.Username).
			OnInput(p.ValueTo(&p.signup.Username))),
		field(p.T("field.newpassword"), app.Input().ID("signup-password").Name("password").Type("password").
			Attr("autocomplete", "new-password").Required(true).Value(p.signup.Password).
			OnInput(p.ValueTo(&p.signup.Password))),
		errorBox("signup-error", p.signupErr),
		app.Button().ID("signup-submit").Type("submit").Class("primary").Disabled(p.busy).Text(p.T("signup.submit")),
	)
}

func (p *landing) submitLogin(ctx app.Context, e app.Event) {
	req := p.login
	req.Username = strings.TrimSpace(req.Username)
	if req.Username == "" || req.Password == "" {
		p.loginErr = p.T("login.missing")
		return
	}
	p.busy, p.loginErr = true, ""
	ctx.Async(func() {
		s, err := tutor.client.Login(context.Background(), req)
		if err == nil {
			err = tutor.SignedIn(s)
		}
		p.ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.loginErr = p.explain(err)
				return
			}
			p.login.Password = ""
			ctx.Navigate("/dashboard")
		})
	})
}

func (p *landing) submitSignup(ctx app.Context, e app.Event) {
	req := p.signup
	req.JoinCode = strings.TrimSpace(req.JoinCode)
	req.Username = strings.TrimSpace(req.Username)
	req.DisplayName = strings.TrimSpace(req.DisplayName)
	if req.JoinCode == "" || req.Username == "" || req.Password == "" {
		p.signupErr = p.T("signup.missing")
		return
	}
	p.busy, p.signupErr = true, ""
	ctx.Async(func() {
		s, err := tutor.client.Signup(context.Background(), req)
		if err == nil {
			err = tutor.SignedIn(s)
		}
		p.ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.signupErr = p.explain(err)
				return
			}
			p.signup.Password = ""
			ctx.Navigate("/dashboard")
		})
	})
}

// explain turns an error into a message for the person at the keyboard.
func (p *landing) explain(err error) string { return explain(p.lang, err) }

// explain is the message to show for err: the server's own message when it
// answered, a translated hint when it could not be reached.
func explain(l Lang, err error) string {
	if err == nil {
		return ""
	}
	if isOffline(err) {
		return l.T("error.offline")
	}
	return err.Error()
}
