package app

import (
	"context"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/tutor-dev/tutor/app/api"
)

// adminPage lets an admin list users, create accounts with a role, change
// roles and disable or re-enable accounts.
type adminPage struct {
	app.Compo
	watched

	users   []api.User
	loaded  bool
	loadErr string

	create    api.CreateUserRequest
	creating  bool
	createErr string
	created   string // the last created username, confirmed to the admin

	rowErr string
}

func newAdminPage() *adminPage { return &adminPage{create: api.CreateUserRequest{Role: roleTeacher}} }

func (p *adminPage) OnMount(ctx app.Context) {
	p.watch(ctx)
	ctx.Async(func() { p.load(ctx) })
}

func (p *adminPage) load(ctx app.Context) {
	if !app.IsClient {
		return
	}
	us, err := tutor.client.Users(context.Background())
	ctx.Dispatch(func(app.Context) {
		p.loaded = true
		p.loadErr = explain(p.lang, err)
		if err == nil {
			p.users = us
		}
	})
}

func (p *adminPage) Render() app.UI {
	switch {
	case !p.v.Loaded:
		return page("admin", &p.watched, loading(&p.watched))
	case p.v.User == nil:
		return page("admin", &p.watched, needLogin(&p.watched))
	case !p.hasRole(roleAdmin):
		return page("admin", &p.watched, app.P().ID("forbidden").Class("notice error").Text(p.T("admin.forbidden")))
	}
	return page("admin", &p.watched,
		app.H1().Text(p.T("admin.title")),
		errorBox("admin-error", p.loadErr),
		app.If(!p.loaded, func() app.UI { return loading(&p.watched) }),
		p.renderUsers(),
		errorBox("user-row-error", p.rowErr),
		p.renderCreate(),
	)
}

func (p *adminPage) renderUsers() app.UI {
	return app.Table().ID("users").Class("list").Body(
		app.THead().Body(app.Tr().Body(
			app.Th().Text(p.T("field.username")),
			app.Th().Text(p.T("admin.name")),
			app.Th().Text(p.T("field.role")),
			app.Th().Text(p.T("admin.status")),
			app.Th(),
		)),
		app.TBody().Body(app.Range(p.users).Slice(func(i int) app.UI {
			u := p.users[i]
			self := p.v.User != nil && p.v.User.ID == u.ID
			status, rowClass := p.T("admin.active"), ""
			if u.Disabled {
				status, rowClass = p.T("admin.disabled"), "disabled"
			}
			return app.Tr().ID("user-"+strconv.FormatInt(u.ID, 10)).Class(rowClass).Body(
				app.Td().Text(u.Username),
				app.Td().Text(u.DisplayName),
				app.Td().Body(p.roleSelect("", u.Role, self, func(ctx app.Context, role string) {
					p.update(ctx, u.ID, api.UpdateUserRequest{Role: &role})
				})),
				app.Td().Text(status),
				app.Td().Body(app.If(!self, func() app.UI {
					label := p.T("admin.disable")
					if u.Disabled {
						label = p.T("admin.enable")
					}
					return app.Button().ID("toggle-" + strconv.FormatInt(u.ID, 10)).Class("link").Text(label).OnClick(func(ctx app.Context, e app.Event) {
						disabled := !u.Disabled
						p.update(ctx, u.ID, api.UpdateUserRequest{Disabled: &disabled})
					})
				})),
			)
		})),
	)
}

// roleSelect is a role picker; an admin cannot change their own role, so
// that the server never ends up without an admin by a slip.
func (p *adminPage) roleSelect(id, current string, locked bool, changed func(app.Context, string)) app.UI {
	sel := app.Select().Disabled(locked).OnChange(func(ctx app.Context, e app.Event) {
		changed(ctx, ctx.JSSrc().Get("value").String())
	})
	if id != "" {
		sel = sel.ID(id)
	}
	return sel.Body(app.Range([]string{roleStudent, roleTeacher, roleAdmin}).Slice(func(i int) app.UI {
		r := []string{roleStudent, roleTeacher, roleAdmin}[i]
		return app.Option().Value(r).Selected(r == current).Text(roleName(p.lang, r))
	}))
}

func (p *adminPage) update(ctx app.Context, id int64, req api.UpdateUserRequest) {
	p.rowErr = ""
	ctx.Async(func() {
		u, err := tutor.client.UpdateUser(context.Background(), id, req)
		p.ctx.Dispatch(func(app.Context) {
			if err != nil {
				p.rowErr = explain(p.lang, err)
				return
			}
			for i := range p.users {
				if p.users[i].ID == u.ID {
					p.users[i] = u
				}
			}
		})
	})
}

func (p *adminPage) renderCreate() app.UI {
	return app.Form().ID("user-form").Class("card narrow").OnSubmit(p.submitCreate).Body(
		app.H2().Text(p.T("admin.create")),
		field(p.T("field.username"), app.Input().ID("user-username").Attr("autocomplete", "off").Required(true).
			Value(p.create.Username).OnInput(p.ValueTo(&p.create.Username))),
		field(p.T("field.displayname"), app.Input().ID("user-name").Attr("autocomplete", "off").
			Value(p.create.DisplayName).OnInput(p.ValueTo(&p.create.DisplayName))),
		field(p.T("field.newpassword"), app.Input().ID("user-password").Type("password").Attr("autocomplete", "new-password").
			Required(true).Value(p.create.Password).OnInput(p.ValueTo(&p.create.Password))),
		field(p.T("field.role"), p.roleSelect("user-role", p.create.Role, false, func(_ app.Context, role string) {
			p.create.Role = role
		})),
		errorBox("user-error", p.createErr),
		app.If(p.created != "", func() app.UI {
			return app.P().ID("user-created").Class("notice ok").Text(p.T("admin.created", p.created))
		}),
		app.Button().ID("user-create").Type("submit").Class("primary").Disabled(p.creating).Text(p.T("admin.create.submit")),
	)
}

func (p *adminPage) submitCreate(ctx app.Context, e app.Event) {
	req := p.create
	req.Username = strings.TrimSpace(req.Username)
	req.DisplayName = strings.TrimSpace(req.DisplayName)
	if req.Username == "" || req.Password == "" {
		p.createErr = p.T("signup.missing")
		return
	}
	p.creating, p.createErr, p.created = true, "", ""
	ctx.Async(func() {
		u, err := tutor.client.CreateUser(context.Background(), req)
		p.ctx.Dispatch(func(app.Context) {
			p.creating = false
			if err != nil {
				p.createErr = explain(p.lang, err)
				return
			}
			p.users = append(p.users, u)
			p.created = u.Username
			p.create = api.CreateUserRequest{Role: req.Role}
			p.ctx.Defer(func(app.Context) { clearInputs("user-username", "user-name", "user-password") })
		})
	})
}
