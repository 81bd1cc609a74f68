package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/model/checker"
	"github.com/tutor-dev/tutor/model/checker/checkertest"
	"github.com/tutor-dev/tutor/server/api"
	"github.com/tutor-dev/tutor/server/teaching"
)

// The sentences the tiny checker of this test learns by heart, marked as a
// teacher marks them. The first is what the learner types: its error comes
// after "é", so that an underline in the right place shows the page counts
// characters, not bytes or UTF-16 units.
var writeTaught = []string{
	"Renée {go=>goes|agreement} to work.",
	"I ate {a=>an|article} apple.",
	"The dog runs fast.",
}

const writeText = "Renée go to work."

// TestE2EWriteCheck drives the Write page against a real grammar checker,
// trained here in seconds from testdata/tiny-model: typing shows underlines exactly
// where the server's edits are, a tap explains one, the fix applies, the
// draft survives a reload, and offline the page says so and keeps the text.
func TestE2EWriteCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny checker (some seconds)")
	}
	chk, err := teaching.OpenChecker(checkertest.TrainChecker(t, "../..", t.TempDir(), writeTaught), "../../data/errors", "../../data/explain/en-for-zh.json", checker.Options{})
	if err != nil {
		t.Fatalf("opening the tiny checker: %v", err)
	}
	ctx := context.Background()
	store, srv, _, _ := newEnv(t, func(o *api.Options) { o.Checker = chk })
	token, err := api.EnsureSetupToken(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	admin := newAPIClient(t, srv.url())
	admin.do("POST", "/api/v1/setup", wire.SetupRequest{Token: token, Username: "admin", Password: "admin-password-1"}, &wire.SessionResponse{}, http.StatusCreated)
	admin.do("POST", "/api/v1/users", wire.CreateUserRequest{Username: "mei", Password: "student-password-1", DisplayName: "Mei", Role: "student"}, nil, http.StatusCreated)
	var want wire.CheckResult
	admin.do("POST", "/api/v1/check", wire.CheckRequest{Text: writeText}, &want, http.StatusOK)
	if len(want.Edits) == 0 {
		t.Fatalf("the tiny checker finds nothing in %q; it has not learned its sentences", writeText)
	}

	b := newBrowser(t, 90*time.Second)
	b.do(chromedp.Navigate(srv.url() + "/"))
	b.waitAttr("landing", "data-ready", "true")
	b.do(
		chromedp.SendKeys(chromedp.ID("login-username"), "mei"),
		chromedp.SendKeys(chromedp.ID("login-password"), "student-password-1"),
	)
	b.click("login-submit")
	b.waitFor("the dashboard's link to writing", `document.getElementById("write-link") !== null`)
	b.click("write-link")
	b.waitAttr("write", "data-ready", "true")
	b.waitFor("the editor", `document.getElementById("write-text") !== null`)
	b.do(chromedp.SendKeys(chromedp.ID("write-text"), writeText))

	// Each underline covers exactly the characters of one edit.
	b.waitFor("the underlines", fmt.Sprintf(`document.querySelectorAll("#write-marked .mark").length === %d`, len(want.Edits)))
	marks := b.waitFor("the marks' text", `JSON.stringify([...document.querySelectorAll("#write-marked .mark")].map(m => m.classList.contains("insert") ? "" : m.textContent))`)
	var got []string
	if err := json.Unmarshal([]byte(marks), &got); err != nil {
		t.Fatal(err)
	}
	runes := []rune(writeText)
	for i, e := range want.Edits {
		if w := string(runes[e.Start:e.End]); got[i] != w {
			t.Errorf("underline %d shows %q, want %q (characters %d to %d)", i, got[i], w, e.Start, e.End)
		}
	}
	b.screenshot("write-1-marked")

	// A tap explains the edit in the interface language, then the fix applies.
	e := want.Edits[0]
	b.click("mark-0")
	b.waitFor("the explanation", `document.getElementById("write-explanation") !== null`)
	expl := b.waitFor("its text", `document.getElementById("write-explanation").textContent`)
	if expl != e.ExplanationEN && expl != e.ExplanationZH {
		t.Errorf("explanation %q, want %q or %q", expl, e.ExplanationEN, e.ExplanationZH)
	}
	fixed := string(runes[:e.Start]) + e.Replacement + string(runes[e.End:])
	b.click("write-apply")
	b.waitFor("the fixed text", fmt.Sprintf(`document.getElementById("write-text").value === %q`, fixed))
	b.waitFor("the fixed text checked", `document.getElementById("write-status") !== null && !document.getElementById("write-status").textContent.includes("…")`)
	b.screenshot("write-2-fixed")

	// The draft survives a reload.
	b.do(chromedp.Reload())
	b.waitAttr("write", "data-ready", "true")
	b.waitFor("the draft after a reload", fmt.Sprintf(`(document.getElementById("write-text") || {}).value === %q`, fixed))

	// Offline, the page says why nothing is checked and keeps the text.
	// The emulated outage does not cover every request, so the server goes
	// down too (as in TestE2EOfflineSync).
	b.setNetwork(false)
	srv.down()
	b.do(chromedp.SendKeys(chromedp.ID("write-text"), " He like it."))
	b.waitAttr("write-problem", "data-problem", "offline")
	b.waitFor("the text kept", fmt.Sprintf(`document.getElementById("write-text").value === %q`, fixed+" He like it."))
	b.screenshot("write-3-offline")
	srv.up()
	b.setNetwork(true)
	b.waitFor("a check once back online", `document.getElementById("write-problem") === null`)
}
