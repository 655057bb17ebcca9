package jobs

import "testing"

import "github.com/dealgate/dealgate/internal/postgres"

func TestMailBodyMakesLinksAtLineEndsAbsolute(t *testing.T) {
	w := &Mail{}
	digest := "You have not voted on the current version of 2 reviews:\n- Cloud for Acme, due 9 December 2026: /reviews/12\n" +
		"- Data for Beta, due 10 December 2026: /reviews/13\n\nand 3 more. All your pending votes: /committee/reviews?state=open&mine=pending"
	got := w.body(postgres.OutboundMail{Body: digest, Link: "/committee/reviews?state=open&mine=pending"})
	want := "You have not voted on the current version of 2 reviews:\n- Cloud for Acme, due 9 December 2026: http://localhost:8080/reviews/12\n" +
		"- Data for Beta, due 10 December 2026: http://localhost:8080/reviews/13\n\nand 3 more. All your pending votes: http://localhost:8080/committee/reviews?state=open&mine=pending"
	if got != want {
		t.Errorf("digest mail body:\n%s\nwant:\n%s", got, want)
	}
	// Other mail: the link follows the text; words that are not paths stay.
	got = w.body(postgres.OutboundMail{Body: "Approve and/or flag //x", Link: "/reviews/1"})
	if want := "Approve and/or flag //x\n\nhttp://localhost:8080/reviews/1\n"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
}
