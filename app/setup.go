package app

import (
	"context"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
)

// setupPage creates the first admin with the one-time token from the
// server's log (/setup?token=...).
type setupPage struct {
	app.Compo
	watched

	req     api.SetupRequest
	confirm string
	state   string // "", "needed", "done" (no admin needed any more)
	err     string
	busy    bool
}

func newSetupPage() *setupPage { return &setupPage{} }

func (p *setupPage) OnMount(ctx app.Context) {
	p.watch(ctx)
	p.req.Token = ctx.Page().URL().Query().Get("token")
	ctx.Async(func() { p.check(ctx) })
}

func (p *setupPage) check(ctx app.Context) {
	if !app.IsClient {
		return
	}
	needed, err := tutor.client.SetupNeeded(context.Background())
	ctx.Dispatch(func(app.Context) {
		switch {
		case err != nil:
			p.err = explain(p.lang, err)
		case needed:
			p.state = "needed"
		default:
			p.state = "done"
		}
	})
}

func (p *setupPage) Render() app.UI {
	return page("setup", &p.watched,
		app.H1().Text(p.T("setup.title")),
		app.If(p.state == "done", func() app.UI {
			return app.Div().ID("setup-done").Class("card").Body(
				app.P().Text(p.T("setup.done")),
				app.A().Class("button").Href("/").Text(p.T("login.title")),
			)
		}).Else(func() app.UI { return p.renderForm() }),
	)
}

func (p *setupPage) renderForm() app.UI {
	return app.Form().ID("setup-form").Class("card narrow").OnSubmit(p.submit).Body(
		app.P().Class("muted").Text(p.T("setup.lead")),
		app.If(p.req.Token == "", func() app.UI {
			return app.Div().Class("notice warn").Text(p.T("setup.notoken"))
		}),
		field(p.T("field.displayname"), app.Input().ID("setup-name").Attr("autocomplete", "name").
			Value(p.req.DisplayName).OnInput(p.ValueTo(&p.req.DisplayName))),
		field(p.T("field.username"), app.Input().ID("setup-username").Attr("autocomplete", "username").Required(true).
			Value(p.req.Username).OnInput(p.ValueTo(&p.req.Username))),
		field(p.T("field.newpassword"), app.Input().ID("setup-password").Type("password").Attr("autocomplete", "new-password").
			Required(true).Value(p.req.Password).OnInput(p.ValueTo(&p.req.Password))),
		field(p.T("field.confirmpassword"), app.Input().ID("setup-confirm").Type("password").Attr("autocomplete", "new-password").
			Required(true).Value(p.confirm).OnInput(p.ValueTo(&p.confirm))),
		errorBox("setup-error", p.err),
		app.Button().ID("setup-submit").Type("submit").Class("primary").Disabled(p.busy).Text(p.T("setup.submit")),
	)
}

func (p *setupPage) submit(ctx app.Context, e app.Event) {
	req := p.req
	req.Username = strings.TrimSpace(req.Username)
	req.DisplayName = strings.TrimSpace(req.DisplayName)
	switch {
	case req.Token == "":
		p.err = p.T("setup.notoken")
		return
	case req.Username == "" || req.Password == "":
		p.err = p.T("signup.missing")
		return
	case req.Password != p.confirm:
		p.err = p.T("setup.mismatch")
		return
	}
	p.busy, p.err = true, ""
	ctx.Async(func() {
		s, err := tutor.client.Setup(context.Background(), req)
		if err == nil {
			err = tutor.SignedIn(s)
		}
		p.ctx.Dispatch(func(ctx app.Context) {
			p.busy = false
			if err != nil {
				p.err = explain(p.lang, err)
				return
			}
			ctx.Navigate("/admin")
		})
	})
}
