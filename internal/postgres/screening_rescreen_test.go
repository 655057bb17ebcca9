package postgres_test

import "testing"

import "github.com/dealgate/dealgate/internal/postgres"

// TestRescreenGivesWayWhileRequestsAreServed: a re-screening on an idle
// instance never rests; while a request is in flight it rests between its
// bursts and takes the open deals in short batches, and still screens every
// one of them (more than one short batch, so the batch boundary is
// crossed).
func TestRescreenGivesWayWhileRequestsAreServed(t *testing.T) {
	t.Parallel()
	e := newScreeningEnv(t)
	open := postgres.RescreenBusyBatch + 2
	for range open {
		e.submitted(t)
	}
	s := e.deals.Screenings
	idle, err := s.RescreenOpen(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if idle.Deals != open || idle.RestedMS != 0 {
		t.Fatalf("idle instance: screened %d of %d open deals, rested %d ms", idle.Deals, open, idle.RestedMS)
	}
	e.db.Foreground.Begin()
	busy, err := s.RescreenOpen(e.ctx)
	e.db.Foreground.End()
	if err != nil {
		t.Fatal(err)
	}
	if busy.Deals != open || busy.RestedMS <= 0 {
		t.Fatalf("while serving: screened %d of %d open deals, rested %d ms", busy.Deals, open, busy.RestedMS)
	}
}
