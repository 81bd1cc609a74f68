package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Paths of the app's pages.
const (
	PathHome      = "/"
	PathSetup     = "/setup"
	PathDashboard = "/dashboard"
	PathPractice  = "/practice"
	PathWrite     = "/write"
	PathTeacher   = "/teacher"
	PathAdmin     = "/admin"
)

// Pages lists every page path; the service worker precaches them all so
// that a reload of any page works offline.
var Pages = []string{PathHome, PathSetup, PathDashboard, PathPractice, PathWrite, PathTeacher, PathAdmin}

// Register registers every page with go-app. Both builds call it: the wasm
// main before app.RunWhenOnBrowser, and the server (through Handler) so
// that it can prerender the pages. Calling it again is harmless.
func Register() {
	app.Route(PathHome, func() app.Composer { return newLanding() })
	app.Route(PathSetup, func() app.Composer { return newSetupPage() })
	app.Route(PathDashboard, func() app.Composer { return newDashboard() })
	app.Route(PathPractice, func() app.Composer { return newPractice() })
	app.Route(PathWrite, func() app.Composer { return newWritePage() })
	app.Route(PathTeacher, func() app.Composer { return newTeacherPage() })
	app.Route(PathAdmin, func() app.Composer { return newAdminPage() })
}
