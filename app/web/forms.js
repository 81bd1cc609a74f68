// Tutor's page glue. go-app runs Go event handlers asynchronously, after the
// browser has already acted on the event, so a Go OnSubmit handler cannot
// stop a form from navigating. Every form of the app is handled in Go;
// this listener keeps the browser from submitting any of them itself.
document.addEventListener("submit", (e) => e.preventDefault(), true);
