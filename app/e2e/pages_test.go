package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tutor-dev/tutor/server/api"
)

// TestE2ESetupAdminTeacher walks the pages a school's staff uses: the
// first admin is created from the one-time setup link, creates a teacher and
// disables an account, logs out; the teacher logs in, sees a wrong password
// refused with the server's message, creates a class and finds its join code
// and (empty) progress.
func TestE2ESetupAdminTeacher(t *testing.T) {
	start := time.Now()
	ctx := context.Background()
	store, srv, _, pack := newEnv(t)
	token, err := api.EnsureSetupToken(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, 90*time.Second)

	// First run: the setup link.
	b.do(chromedp.Navigate(srv.url() + "/setup?token=" + token))
	b.waitAttr("setup", "data-ready", "true")
	b.waitFor("the setup form", `document.getElementById("setup-submit") !== null`)
	b.do(
		chromedp.SendKeys(chromedp.ID("setup-name"), "Head Admin"),
		chromedp.SendKeys(chromedp.ID("setup-username"), "root"),
		chromedp.SendKeys(chromedp.ID("setup-password"), "admin-password-1"),
		chromedp.SendKeys(chromedp.ID("setup-confirm"), "admin-password-2"),
	)
	b.click("setup-submit")
	b.waitFor("the password mismatch message", `document.getElementById("setup-error").textContent.length > 0`)
	b.retype("setup-confirm", "admin-password-1")
	b.click("setup-submit")

	// The admin page: create a teacher and a student, disable the student.
	b.waitFor("the admin page with its users", `location.pathname === "/admin" && document.querySelectorAll("#users tbody tr").length === 1`)
	createUser(b, "wang", "Ms Wang", "teacher")
	createUser(b, "bob", "Bob", "student")
	bob, _, err := store.UserCredentials(ctx, "bob")
	if err != nil || bob.Role != "student" {
		t.Fatalf("bob in the store: %+v, %v", bob, err)
	}
	b.click(fmt.Sprintf("toggle-%d", bob.ID))
	b.waitFor("bob's row disabled", fmt.Sprintf(`document.getElementById("user-%d").classList.contains("disabled")`, bob.ID))
	if u, err := store.UserByID(ctx, bob.ID); err != nil || !u.Disabled {
		t.Errorf("bob after disabling: %+v, %v", u, err)
	}
	b.screenshot("1-admin")
	b.click("logout")
	b.waitFor("the landing page", `location.pathname === "/" && document.getElementById("login-form") !== null`)

	// The teacher: a wrong password first, with the server's message.
	b.do(
		chromedp.SendKeys(chromedp.ID("login-username"), "wang"),
		chromedp.SendKeys(chromedp.ID("login-password"), "wrong-password"),
	)
	b.click("login-submit")
	msg := b.waitFor("the login error", `document.getElementById("login-error").textContent`)
	if len(msg) < 10 {
		t.Errorf("login error message %q says too little", msg)
	}
	b.retype("login-password", "teacher-password-1")
	b.click("login-submit")
	b.waitFor("the teacher's dashboard", `location.pathname === "/dashboard" && document.getElementById("no-class") !== null`)

	// Create a class; its join code is shown and matches the store.
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('header nav a[href="/teacher"]').click()`))
	b.waitFor("the empty class list", `document.getElementById("no-classes") !== null && document.querySelectorAll("#class-course option").length > 0`)
	b.do(chromedp.SendKeys(chromedp.ID("class-name"), "Evening class"))
	b.click("class-create")
	code := b.waitFor("the new class's join code", `(document.querySelector("#classes .join-code") || {}).textContent || ""`)
	wang, _, _ := store.UserCredentials(ctx, "wang")
	classes, err := store.ClassesByTeacher(ctx, wang.ID)
	if err != nil || len(classes) != 1 || classes[0].JoinCode != code || classes[0].CourseID != pack.Course.ID {
		t.Fatalf("classes of the teacher: %+v (%v); page shows join code %q", classes, err, code)
	}
	b.click(fmt.Sprintf("show-progress-%d", classes[0].ID))
	// The progress panel first says "Loading…"; once loaded, an empty
	// class's panel tells the join code to hand out.
	text := b.waitFor("the class progress with the join code", fmt.Sprintf(
		`(() => { const t = (document.getElementById("progress") || {}).textContent || ""; return t.includes(%q) ? t : "" })()`, code))
	if !strings.Contains(text, code) {
		t.Errorf("an empty class's progress should tell the join code, got %q", text)
	}
	b.screenshot("2-teacher")
	t.Logf("staff pages in %v", time.Since(start).Round(time.Millisecond))
}

// createUser fills the admin's new-account form.
func createUser(b *browser, username, name, role string) {
	b.t.Helper()
	b.do(
		chromedp.SendKeys(chromedp.ID("user-username"), username),
		chromedp.SendKeys(chromedp.ID("user-name"), name),
		chromedp.SendKeys(chromedp.ID("user-password"), role+"-password-1"),
		chromedp.SetValue(chromedp.ID("user-role"), role),
	)
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("user-role").dispatchEvent(new Event("change"))`))
	b.click("user-create")
	b.waitFor("the account "+username, fmt.Sprintf(`(document.getElementById("user-created") || {}).textContent?.includes(%q) && [...document.querySelectorAll("#users td")].some(td => td.textContent === %q)`, username, username))
}
