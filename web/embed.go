// Package web holds Dealgate's user interface: templ components (in the
// components, layout and pages packages) and the static assets embedded here.
//
// Asset URLs carry a content hash ("?v=…") so that the server may cache them
// for a year: a changed file gets a new URL.
package web

import "crypto/sha256"
import "embed"
import "encoding/hex"
import "io/fs"
import "strings"
import "sync"

// HTMXScript is the vendored, pinned htmx file (see static/js/htmx.LICENSE).
const HTMXScript = "js/htmx-2.0.11.min.js"

// AppScript and Stylesheet are the project's own assets.
const (
	AppScript  = "js/app.js"
	Stylesheet = "css/app.css"
)

//go:embed static
var embedded embed.FS

// static is embedded rooted at static/, so "css/app.css" names the stylesheet.
var static = mustSub(embedded, "static")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // cannot happen: dir is a literal embedded directory
	}
	return sub
}

// StaticFS returns the embedded static assets, rooted so that "css/app.css"
// opens the stylesheet. Serve it under /static/.
func StaticFS() fs.FS { return static }

// versions maps each asset name to the first 12 hex digits of the SHA-256 of
// its content. It is computed once, on first use.
var versions = sync.OnceValue(func() map[string]string {
	m := make(map[string]string)
	err := fs.WalkDir(static, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m[name] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	if err != nil {
		panic(err) // cannot happen: an embed.FS does not fail to read
	}
	return m
})

// AssetVersion returns the content version of the named asset (for example
// "css/app.css") and whether the asset exists.
func AssetVersion(name string) (string, bool) {
	v, ok := versions()[strings.TrimPrefix(name, "/")]
	return v, ok
}

// Asset returns the URL of the named asset with its content version, for
// example "/static/css/app.css?v=0123456789ab". For an unknown name it
// returns the plain path, without a version, so that a page still renders;
// tests catch the missing file.
func Asset(name string) string {
	name = strings.TrimPrefix(name, "/")
	if v, ok := AssetVersion(name); ok {
		return "/static/" + name + "?v=" + v
	}
	return "/static/" + name
}
