package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/dealgate/dealgate/web"
	"github.com/dealgate/dealgate/web/layout"
	"github.com/dealgate/dealgate/web/pages"
)

func main() {
	p := layout.Page{
		Nav:       []layout.NavItem{{Label: "Deals", Href: "/", Current: true}, {Label: "Agreements", Href: "/a"}, {Label: "Reviews", Href: "/r"}, {Label: "Audit", Href: "/au"}},
		UserName:  "Ada Lovelace",
		CSRFToken: "tok",
		Env:       "staging",
		Flashes:   []layout.Flash{{Kind: "success", Message: "Deal saved"}},
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(web.StaticFS())))
	mux.Handle("/", templ.Handler(pages.StyleGuide(p)))
	mux.Handle("/home", templ.Handler(pages.Home(layout.Page{SignInURL: "/sign-in", Env: "production"}, pages.HomeView{Checks: []pages.HomeCheck{{Label: "Database", Status: "Connected", Kind: "approved"}}})))
	mux.Handle("/error", templ.Handler(pages.ErrorPage(p, pages.ErrorView{Status: 404, Title: "Page not found", Message: "Check the address.", RequestID: "req-123abc"})))
	csp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		mux.ServeHTTP(w, r)
	})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go http.Serve(ln, csp)
	base := "http://" + ln.Addr().String()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.ExecPath("/usr/bin/chromium"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			fmt.Println("console:", e.Type, strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			fmt.Println("exception:", e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			fmt.Println("log:", e.Entry.Level, e.Entry.Text)
		}
	}))
	defer cancel2()
	out := os.Args[1]
	width := int64(1280)
	if len(os.Args) > 2 {
		fmt.Sscan(os.Args[2], &width)
	}
	path := "/"
	if len(os.Args) > 3 {
		path = os.Args[3]
	}
	scheme := "light"
	if len(os.Args) > 4 {
		scheme = os.Args[4]
	}
	media := ""
	if len(os.Args) > 5 {
		media = os.Args[5]
	}
	emu := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, log.Enable, cdp.Empty{}); err != nil {
			return chromedp.Void{}, err
		}
		if _, err := cdp.Call(ctx, t, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media, Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return chromedp.Void{}, err
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), emu, chromedp.Navigate(base+path), chromedp.Sleep(500*time.Millisecond)); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	focused, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? (document.activeElement.className || document.activeElement.tagName) : ""`))
	fmt.Println("focused:", focused)
	if len(os.Args) > 6 {
		res, err := chromedp.Run(ctx, chromedp.Evaluate[string](os.Args[6]))
		fmt.Println("eval:", res, err)
	}
	h, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
	for i := 0; float64(i*900) < h && i < 12; i++ {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](fmt.Sprintf(`window.scrollTo(0, %d)`, i*900))); err != nil {
			fmt.Println("error:", err)
		}
		chromedp.Do(ctx, chromedp.Sleep(150*time.Millisecond))
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		os.WriteFile(fmt.Sprintf("%s-%d.png", out, i), buf, 0o644)
	}
}
