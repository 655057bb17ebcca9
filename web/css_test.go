package web_test

import "fmt"
import "io/fs"
import "math"
import "regexp"
import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/web"

var customProperty = regexp.MustCompile(`(--[a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;`)

// themes reads the colour custom properties of the light theme (the first
// :root block) and of the dark theme (light overridden by the
// prefers-color-scheme: dark block).
func themes(t *testing.T) (light, dark map[string]string) {
	t.Helper()
	b, err := fs.ReadFile(web.StaticFS(), web.Stylesheet)
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	block := func(from string) string {
		i := strings.Index(css, from)
		if i < 0 {
			t.Fatalf("app.css has no %q", from)
		}
		rest := css[i+len(from):]
		j := strings.Index(rest, "}")
		return rest[:j]
	}
	light = map[string]string{}
	for _, m := range customProperty.FindAllStringSubmatch(block(":root {"), -1) {
		light[m[1]] = m[2]
	}
	dark = map[string]string{}
	for k, v := range light {
		dark[k] = v
	}
	for _, m := range customProperty.FindAllStringSubmatch(block("@media (prefers-color-scheme: dark) {\n  :root {"), -1) {
		if _, ok := light[m[1]]; !ok {
			t.Errorf("dark theme sets %s, which the light theme lacks", m[1])
		}
		dark[m[1]] = m[2]
	}
	return light, dark
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.04045 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestThemeContrast checks every foreground/background pair the stylesheet
// uses against WCAG 2.2 AA: 4.5:1 for text, 3:1 for the edges of controls.
func TestThemeContrast(t *testing.T) {
	const text, ui = 4.5, 3.0
	pairs := []struct {
		fg, bg string
		min    float64
	}{
		{"--color-text", "--color-bg", text},
		{"--color-text", "--color-surface", text},
		{"--color-text", "--color-surface-raised", text},
		{"--color-text", "--color-input-bg", text},
		{"--color-text-secondary", "--color-bg", text},
		{"--color-text-secondary", "--color-surface", text},
		{"--color-text-secondary", "--color-surface-raised", text},
		{"--color-link", "--color-bg", text},
		{"--color-link", "--color-surface", text},
		{"--color-link", "--color-surface-raised", text},
		{"--color-link-visited", "--color-bg", text},
		{"--color-link-hover", "--color-bg", text},
		{"--color-on-link", "--color-link", text},
		{"--color-focus-text", "--color-focus", text},
		{"--color-error", "--color-bg", text},
		{"--color-on-state", "--color-success", text},
		{"--color-on-state", "--color-important", text},
		{"--color-on-state", "--color-error", text},
		{"--color-header-text", "--color-header-bg", text},
		{"--color-header-text", "--color-header-hover", text},
		{"--color-nav-current", "--color-header-bg", ui},
		{"--color-env-text", "--color-env-bg", text},
		{"--color-button-text", "--color-button-bg", text},
		{"--color-button-text", "--color-button-hover", text},
		{"--color-button-secondary-text", "--color-button-secondary-bg", text},
		{"--color-button-secondary-text", "--color-button-secondary-hover", text},
		{"--color-button-warning-text", "--color-button-warning-bg", text},
		{"--color-button-warning-text", "--color-button-warning-hover", text},
		{"--color-panel-cleared-text", "--color-panel-cleared-bg", text},
		{"--color-panel-flagged-text", "--color-panel-flagged-bg", text},
		{"--color-panel-neutral-text", "--color-panel-neutral-bg", text},
		{"--color-panel-neutral-border", "--color-bg", ui},
		{"--color-input-border", "--color-input-bg", ui},
		{"--color-input-border", "--color-bg", ui},
		{"--color-control-accent", "--color-bg", ui},
		{"--color-error", "--color-input-bg", ui},
	}
	for _, tag := range []string{"grey", "blue", "lightblue", "purple", "green", "turquoise", "yellow", "orange", "red", "solid-red", "solid-green", "solid-grey"} {
		pairs = append(pairs, struct {
			fg, bg string
			min    float64
		}{"--tag-" + tag + "-text", "--tag-" + tag + "-bg", text})
	}
	light, dark := themes(t)
	for name, theme := range map[string]map[string]string{"light": light, "dark": dark} {
		for _, p := range pairs {
			t.Run(fmt.Sprintf("%s %s on %s", name, p.fg, p.bg), func(t *testing.T) {
				fg, ok1 := theme[p.fg]
				bg, ok2 := theme[p.bg]
				if !ok1 || !ok2 {
					t.Fatalf("missing custom property (%s: %v, %s: %v)", p.fg, ok1, p.bg, ok2)
				}
				if c := contrast(fg, bg); c < p.min {
					t.Errorf("%s %s on %s %s: contrast %.2f, want at least %.1f", p.fg, fg, p.bg, bg, c, p.min)
				}
			})
		}
	}
}
