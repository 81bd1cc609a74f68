// Command app is the WebAssembly entry point of Tutor's PWA: it registers
// the pages and hands the browser to go-app. Build it with
//
//	GOOS=js GOARCH=wasm go build -o app/web/app.wasm ./wasm/app
//
// It must import only browser-safe packages (app and what app imports), never
// server code: everything linked here is downloaded by every learner.
package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	tutor "github.com/tutor-dev/tutor/app"
)

func main() {
	tutor.Register()
	app.RunWhenOnBrowser()
}
