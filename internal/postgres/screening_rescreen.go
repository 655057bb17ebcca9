package postgres

// Re-screening the open deals after register changes (jobs).

import "context"
import "encoding/json"
import "fmt"
import "runtime"
import "sync"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"
import "github.com/dealgate/dealgate/internal/screening"

// Job is the latest re-screening job, as the agreement page tells it.
type Job struct {
	ID             int64
	RegisterChange int64
	State          string // pending, running, done or failed
	CreatedAt      time.Time
	FinishedAt     *time.Time
	Deals, Changed int
}

func jobOf(j sqlc.LatestRescreenJobRow) *Job {
	return &Job{ID: j.ID, RegisterChange: j.RegisterChange, State: j.State, CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt,
		Deals: int(j.Deals), Changed: int(j.Changed)}
}

// RescreenResult is what a re-screening job did; the worker records it as
// the job's output.
type RescreenResult struct {
	Passes     int `json:"passes"`     // passes over the open deals (more when the register changed meanwhile)
	Deals      int `json:"deals"`      // open deals screened
	Unaffected int `json:"unaffected"` // open deals no changed clause touches, not screened again
	Written    int `json:"written"`    // screenings recorded (the result differed)
	Changed    int `json:"changed"`    // verdicts changed
	// RestedMS is how long the re-screening gave way to page requests
	// (Foreground), in milliseconds, summed from rested.
	RestedMS int64 `json:"rested_ms"`
	rested   time.Duration
}

func (r *RescreenResult) add(o RescreenResult) {
	r.Passes++
	r.Deals += o.Deals
	r.Unaffected += o.Unaffected
	r.Written += o.Written
	r.Changed += o.Changed
	r.rested += o.rested
	r.RestedMS = r.rested.Milliseconds()
}

// rescreenBatch is how many open deals one transaction re-screens;
// rescreenBusyBatch, how many while the instance serves requests, when the
// re-screening rests between its bursts inside the transaction (see
// Foreground): fewer, so that the transaction stays short.
const (
	rescreenBatch     = 500
	rescreenBusyBatch = 128
)

// Rescreen serves a re-screening job: it re-screens every open deal
// against the register as it now is, recording a screening for each deal
// whose result changed, then calls complete with what it did in the
// transaction that ends the job. The job is queued unique (one pending
// for a burst of changes), so a change that commits while it runs queues
// nothing: before completing, Rescreen locks the register change counter (a change in
// flight commits first; none starts until the job is done) and, if the
// register moved since the pass began, passes again. full asks for every
// open deal to be screened (a retry); otherwise only the deals the changed
// clauses touch are. A screening from an older register state never
// replaces a newer one, so instances may overlap safely.
func (s *Screenings) Rescreen(ctx context.Context, job RescreenJob, full bool, complete func(context.Context, pgx.Tx, RescreenResult) error) (RescreenResult, error) {
	var res RescreenResult
	// The base: the register as this instance last knew it before the
	// job's first change. Every earlier job is done, so the deals'
	// screenings reflect the register at the base or later, and only the
	// deals a changed clause touches can change.
	since := job.RegisterChange
	// The agreement page tells the job's progress and is cached under the
	// deal list stamp: move it now that the job runs, and again when it
	// completes (migration 000049).
	if err := s.DB.Queries().NoteDealListChange(ctx); err != nil {
		return res, fmt.Errorf("note the re-screening's start: %w", err)
	}
	for {
		start, err := s.DB.Queries().RegisterChangeCounter(ctx)
		if err != nil {
			return res, fmt.Errorf("register change counter: %w", err)
		}
		var base *loadedIndex
		if !full {
			base = s.baseBefore(since)
		}
		pass, err := s.rescreen(ctx, base)
		res.add(pass)
		if err != nil {
			return res, err
		}
		done, err := inTx(ctx, s.DB, func(tx *Tx) (bool, error) {
			now, err := tx.Q.RegisterChangeForUpdate(ctx)
			if err != nil || now != start.Counter {
				return false, err
			}
			if err := tx.Q.NoteDealListChange(ctx); err != nil {
				return false, err
			}
			return true, complete(ctx, tx.Tx, res)
		})
		if err != nil || done {
			return res, err
		}
		since = start.Counter + 1
	}
}

// screenAll screens deals[i] for each i in todo: on every core while the
// instance serves no request, else on one, leaving the others to requests.
func (s *Screenings) screenAll(idx *screening.Index, deals []screening.Deal, todo []int, today time.Time) ([]screening.Report, []error) {
	reps, errs := make([]screening.Report, len(todo)), make([]error, len(todo))
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	if s.DB.Foreground.Busy() {
		workers = 1
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := w; k < len(todo); k += workers {
				reps[k], errs[k] = idx.ScreenUpTo(deals[todo[k]], today, MaxStoredInfo)
			}
		}()
	}
	wg.Wait()
	return reps, errs
}

// RescreenOpen re-screens the current version of every submitted deal
// against the register as it now is, in batches of rescreenBatch deals per
// transaction (rescreenBusyBatch while the instance serves requests).
func (s *Screenings) RescreenOpen(ctx context.Context) (RescreenResult, error) {
	return s.rescreen(ctx, nil)
}

// rescreen re-screens the open deals. With a base index that differs from
// the current one only in some clauses, it screens only the deals those
// clauses touch (before or after the change), the deals never screened,
// and skips the rest, whose findings cannot have changed.
func (s *Screenings) rescreen(ctx context.Context, base *loadedIndex) (RescreenResult, error) {
	var res RescreenResult
	after := int64(0)
	var diffed *loadedIndex
	var changed []int64
	incremental := false
	for {
		batch := int32(rescreenBatch)
		if s.DB.Foreground.Busy() {
			batch = rescreenBusyBatch
		}
		n, err := inTx(ctx, s.DB, func(tx *Tx) (int, error) {
			burst := time.Now()
			rows, err := tx.Q.OpenDealVersions(ctx, sqlc.OpenDealVersionsParams{AfterID: after, MaxRows: batch})
			if err != nil || len(rows) == 0 {
				return 0, err
			}
			l, err := s.index(ctx, tx)
			if err != nil {
				return 0, err
			}
			if l != diffed {
				diffed = l
				changed, incremental = changedClauses(base, l)
			}
			// Which deals to screen again; then screen them on every core
			// (the index is safe for concurrent use), and write in order.
			today := tx.today()
			deals, todo, err := triage(rows, base, l, changed, incremental, today, &res)
			if err != nil {
				return 0, err
			}
			after = rows[len(rows)-1].DealID
			res.rest(ctx, &s.DB.Foreground, burst)
			// In chunks: a report at scale holds thousands of findings, and
			// between chunks the re-screening gives way to page requests.
			for len(todo) > 0 {
				chunk := todo[:min(len(todo), 32)]
				todo = todo[len(chunk):]
				burst = time.Now()
				if err := s.recordChunk(ctx, tx, l, rows, deals, chunk, today, &res); err != nil {
					return 0, err
				}
				res.rest(ctx, &s.DB.Foreground, burst)
			}
			return len(rows), nil
		})
		if err != nil {
			return res, err
		}
		if n < int(batch) {
			return res, nil
		}
	}
}

// triage decodes a batch's deals and picks the ones to screen again: all of
// them, unless the index changed incrementally and a deal meets none of the
// changed clauses under the old index or the new (res.Unaffected counts it).
func triage(rows []sqlc.OpenDealVersionsRow, base, l *loadedIndex, changed []int64, incremental bool, today time.Time, res *RescreenResult) ([]screening.Deal, []int, error) {
	var todo []int
	deals := make([]screening.Deal, len(rows))
	for i, r := range rows {
		var c dealgate.DealContent
		if err := json.Unmarshal(r.Content, &c); err != nil {
			return nil, nil, fmt.Errorf("deal %d content: %w", r.DealID, err)
		}
		deals[i] = dealOf(c)
		if incremental && r.RegisterChange != nil &&
			!base.idx.AppliesAny(deals[i], today, changed) && !l.idx.AppliesAny(deals[i], today, changed) {
			res.Unaffected++
			continue
		}
		todo = append(todo, i)
	}
	return deals, todo, nil
}

// recordChunk screens the batch's deals at the indexes in chunk and records
// each result that differs from the last, notifying a changed verdict.
func (s *Screenings) recordChunk(ctx context.Context, tx *Tx, l *loadedIndex, rows []sqlc.OpenDealVersionsRow, deals []screening.Deal, chunk []int, today time.Time, res *RescreenResult) error {
	reps, errs := s.screenAll(l.idx, deals, chunk, today)
	for k, i := range chunk {
		r := rows[i]
		res.Deals++
		if errs[k] == nil && r.Fingerprint != nil && string(r.Fingerprint) == string(fingerprint(reps[k], l.taxID)) {
			continue // the same result: nothing to record
		}
		rec, before, after, err := s.recordIfChanged(ctx, tx, nil, l, r.DealID, r.Number, reps[k], errs[k], ReasonRegister)
		if err != nil {
			return err
		}
		if rec {
			res.Written++
			if before != after {
				res.Changed++
				if err := tx.notifyVerdictChanged(ctx, r.DealID, before, after); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// rest gives way to fg after a burst that began at start, counting the rest.
func (r *RescreenResult) rest(ctx context.Context, fg *Foreground, start time.Time) {
	r.rested += fg.giveWay(ctx, time.Since(start))
	r.RestedMS = r.rested.Milliseconds()
}

func ptrTime(t time.Time) *time.Time { return &t }
