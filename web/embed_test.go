package web_test

import "crypto/sha256"
import "encoding/hex"
import "io/fs"
import "strings"
import "sync"
import "testing"

import "github.com/dealgate/dealgate/web"

func TestStaticFSRootedAtStatic(t *testing.T) {
	for _, name := range []string{web.Stylesheet, web.AppScript, web.HTMXScript, "js/htmx.LICENSE"} {
		b, err := fs.ReadFile(web.StaticFS(), name)
		if err != nil {
			t.Fatalf("open %q: %v", name, err)
		}
		if len(b) == 0 {
			t.Errorf("%q is empty", name)
		}
	}
	if _, err := fs.Stat(web.StaticFS(), "static/css/app.css"); err == nil {
		t.Error(`StaticFS is not rooted at static/: "static/css/app.css" exists`)
	}
}

func TestAssetURLCarriesContentHash(t *testing.T) {
	b, err := fs.ReadFile(web.StaticFS(), "css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	want := "/static/css/app.css?v=" + hex.EncodeToString(sum[:])[:12]
	if got := web.Asset("css/app.css"); got != want {
		t.Errorf("Asset = %q, want %q", got, want)
	}
	if got := web.Asset("/css/app.css"); got != want {
		t.Errorf("Asset with leading slash = %q, want %q", got, want)
	}
	v, ok := web.AssetVersion("css/app.css")
	if !ok || len(v) != 12 || !strings.HasSuffix(want, v) {
		t.Errorf("AssetVersion = %q, %v", v, ok)
	}
}

func TestAssetUnknownNameFallsBackToPlainPath(t *testing.T) {
	if got := web.Asset("css/missing.css"); got != "/static/css/missing.css" {
		t.Errorf("Asset = %q", got)
	}
	if v, ok := web.AssetVersion("css/missing.css"); ok || v != "" {
		t.Errorf("AssetVersion = %q, %v; want \"\", false", v, ok)
	}
}

func TestAssetsUsedByLayoutExist(t *testing.T) {
	for _, name := range []string{web.Stylesheet, web.AppScript, web.HTMXScript} {
		if _, ok := web.AssetVersion(name); !ok {
			t.Errorf("asset %q is missing", name)
		}
	}
}

func TestAssetConcurrentUse(t *testing.T) {
	want := web.Asset(web.HTMXScript)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if got := web.Asset(web.HTMXScript); got != want {
				t.Errorf("Asset = %q, want %q", got, want)
			}
		})
	}
	wg.Wait()
}

// The stylesheet and scripts must work under a strict Content-Security-Policy
// and without outside requests.
func TestStaticAssetsSelfContained(t *testing.T) {
	css, err := fs.ReadFile(web.StaticFS(), web.Stylesheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"@import", "@font-face", "url(http", "url(//", "expression("} {
		if strings.Contains(string(css), bad) {
			t.Errorf("app.css contains %q", bad)
		}
	}
	js, err := fs.ReadFile(web.StaticFS(), web.AppScript)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"eval(", "new Function", ".innerHTML", "setAttribute('style'", ".style."} {
		if strings.Contains(string(js), bad) {
			t.Errorf("app.js contains %q", bad)
		}
	}
}
