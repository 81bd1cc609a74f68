//go:build ignore

// icons_gen draws Tutor's app icons (web/icon-192.png, web/icon-512.png,
// web/icon.svg): a green rounded square with a white "T" and a speech dot.
// The shapes stay inside the central 80% so the PNG also works as a
// maskable icon. Run: go generate ./app
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

var (
	green = color.NRGBA{0x1f, 0x6f, 0x5c, 0xff}
	white = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	amber = color.NRGBA{0xf2, 0xb1, 0x34, 0xff}
)

// shapes in units of the icon side (0..1).
type rect struct{ x0, y0, x1, y1 float64 }

var (
	bar  = rect{0.28, 0.26, 0.72, 0.38} // the T's top
	stem = rect{0.44, 0.26, 0.56, 0.76} // the T's stem
	dot  = [3]float64{0.70, 0.70, 0.08} // speech dot: centre x, y, radius
)

func main() {
	for _, n := range []int{192, 512} {
		if err := writePNG(fmt.Sprintf("web/icon-%d.png", n), draw(n)); err != nil {
			log.Fatal(err)
		}
	}
	if err := os.WriteFile("web/icon.svg", []byte(svg()), 0o644); err != nil {
		log.Fatal(err)
	}
}

func draw(n int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			u, v := (float64(x)+0.5)/float64(n), (float64(y)+0.5)/float64(n)
			img.SetNRGBA(x, y, pixel(u, v))
		}
	}
	return img
}

// pixel is the colour at (u, v); the background is a square with corners
// rounded by 0.18 (transparent outside).
func pixel(u, v float64) color.NRGBA {
	const r = 0.18
	cx, cy := math.Max(r-u, math.Max(0, u-(1-r))), math.Max(r-v, math.Max(0, v-(1-r)))
	if cx > 0 && cy > 0 && math.Hypot(cx, cy) > r {
		return color.NRGBA{}
	}
	switch {
	case in(bar, u, v) || in(stem, u, v):
		return white
	case math.Hypot(u-dot[0], v-dot[1]) <= dot[2]:
		return amber
	}
	return green
}

func in(r rect, u, v float64) bool { return u >= r.x0 && u < r.x1 && v >= r.y0 && v < r.y1 }

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func svg() string {
	box := func(r rect, c string) string {
		return fmt.Sprintf(`<rect x="%g" y="%g" width="%g" height="%g" fill="%s"/>`,
			r.x0*100, r.y0*100, (r.x1-r.x0)*100, (r.y1-r.y0)*100, c)
	}
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">` +
		`<rect width="100" height="100" rx="18" fill="#1f6f5c"/>` +
		box(bar, "#fff") + box(stem, "#fff") +
		fmt.Sprintf(`<circle cx="%g" cy="%g" r="%g" fill="#f2b134"/>`, dot[0]*100, dot[1]*100, dot[2]*100) +
		"</svg>\n"
}
