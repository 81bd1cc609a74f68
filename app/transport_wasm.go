//go:build wasm

package app

import (
	"context"
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// roundTrip sends one request with the browser's fetch: same origin, the
// session cookie included, never from the HTTP cache. A rejected fetch (no
// network, server down, aborted) is an error; any HTTP answer is a status.
func roundTrip(ctx context.Context, method, url string, header map[string]string, body []byte) (int, []byte, error) {
	headers := make(map[string]any, len(header))
	for k, v := range header {
		headers[k] = v
	}
	opts := map[string]any{
		"method":      method,
		"headers":     headers,
		"credentials": "same-origin",
		"cache":       "no-store",
	}
	if body != nil {
		opts["body"] = string(body)
	}
	abort := app.Window().Get("AbortController").New()
	opts["signal"] = abort.Get("signal")
	stop := context.AfterFunc(ctx, func() { abort.Call("abort") })
	defer stop()

	resp, err := await(app.Window().Call("fetch", url, opts))
	if err != nil {
		return 0, nil, err
	}
	text, err := await(resp.Call("text"))
	if err != nil {
		return 0, nil, err
	}
	if ctx.Err() != nil {
		return 0, nil, errors.New("request timed out")
	}
	return resp.Get("status").Int(), []byte(text.String()), nil
}
