package postgres

// Re-screening the open deals after register changes (jobs).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/postgres/sqlc"
	"github.com/dealgate/dealgate/internal/screening"
)

// Job is a re-screening job: one register change.
type Job struct {
	ID             int64
	RegisterChange int64
	State          string
	CreatedAt      time.Time
	FinishedAt     *time.Time
	Deals, Changed int
}

func jobOf(j sqlc.LatestScreeningJobRow) *Job {
	return &Job{ID: j.ID, RegisterChange: j.RegisterChange, State: j.State, CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt,
		Deals: int(j.Deals), Changed: int(j.Changed)}
}

// RescreenResult is what one pass of the jobs did.
type RescreenResult struct {
	Jobs       int // jobs served
	Deals      int // open deals screened
	Unaffected int // open deals no changed clause touches, not screened again
	Written    int // screenings recorded (the result differed)
	Changed    int // verdicts changed
}

// rescreenBatch is how many open deals one transaction re-screens.
const rescreenBatch = 500

// RunJobs claims every pending re-screening job and re-screens every open
// deal against the register as it now is, recording a screening for each
// deal whose result changed. Several instances may run it at once: jobs are
// claimed with FOR UPDATE SKIP LOCKED, and a screening from an older
// register state never replaces a newer one.
func (s *Screenings) RunJobs(ctx context.Context) (RescreenResult, error) {
	var res RescreenResult
	now := s.DB.Now()
	jobs, err := inTx(ctx, s.DB, func(tx *Tx) ([]sqlc.ClaimScreeningJobsRow, error) {
		return tx.Q.ClaimScreeningJobs(ctx, sqlc.ClaimScreeningJobsParams{Now: &now, StaleBefore: ptrTime(now.Add(-5 * time.Minute)),
			RetryBefore: ptrTime(now.Add(-time.Minute))})
	})
	if err != nil || len(jobs) == 0 {
		return res, err
	}
	ids := make([]int64, len(jobs))
	first, retry := jobs[0].RegisterChange, false
	for i, j := range jobs {
		ids[i] = j.ID
		first = min(first, j.RegisterChange)
		retry = retry || j.Attempts > 1
	}
	// The base: the register as this instance last knew it before the
	// first change claimed. Every earlier job is done (a failed one is
	// retried, with a full pass), so the deals' screenings reflect the
	// register at the base or later, and only the deals a changed clause
	// touches can change.
	var base *loadedIndex
	if !retry {
		base = s.baseBefore(first)
	}
	res, err = s.rescreen(ctx, base)
	res.Jobs = len(jobs)
	state, msg := "done", ""
	if err != nil {
		state, msg = "failed", err.Error()
	}
	_, ferr := inTx(ctx, s.DB, func(tx *Tx) (struct{}, error) {
		return struct{}{}, tx.Q.FinishScreeningJobs(ctx, sqlc.FinishScreeningJobsParams{State: state, Now: ptrTime(s.DB.Now()),
			Deals: int32(res.Deals), Changed: int32(res.Changed), Error: msg, Ids: ids})
	})
	return res, errors.Join(err, ferr)
}

func ptrTime(t time.Time) *time.Time { return &t }

// screenAll screens deals[i] for each i in todo, on every core.
func screenAll(idx *screening.Index, deals []screening.Deal, todo []int, today time.Time) ([]screening.Report, []error) {
	reps, errs := make([]screening.Report, len(todo)), make([]error, len(todo))
	workers := min(runtime.GOMAXPROCS(0), len(todo))
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
// transaction.
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
		n, err := inTx(ctx, s.DB, func(tx *Tx) (int, error) {
			rows, err := tx.Q.OpenDealVersions(ctx, sqlc.OpenDealVersionsParams{AfterID: after, MaxRows: rescreenBatch})
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
			var todo []int
			deals := make([]screening.Deal, len(rows))
			for i, r := range rows {
				var c dealgate.DealContent
				if err := json.Unmarshal(r.Content, &c); err != nil {
					return 0, fmt.Errorf("deal %d content: %w", r.DealID, err)
				}
				deals[i] = dealOf(c)
				if incremental && r.RegisterChange != nil &&
					!base.idx.AppliesAny(deals[i], today, changed) && !l.idx.AppliesAny(deals[i], today, changed) {
					res.Unaffected++
					continue
				}
				todo = append(todo, i)
			}
			after = rows[len(rows)-1].DealID
			// In chunks: a report at scale holds thousands of findings.
			for len(todo) > 0 {
				chunk := todo[:min(len(todo), 32)]
				todo = todo[len(chunk):]
				reps, errs := screenAll(l.idx, deals, chunk, today)
				for k, i := range chunk {
					r := rows[i]
					res.Deals++
					if errs[k] == nil && r.Fingerprint != nil && string(r.Fingerprint) == string(fingerprint(reps[k], l.taxID)) {
						continue // the same result: nothing to record
					}
					rec, before, afterV, err := s.recordIfChanged(ctx, tx, nil, l, r.DealID, r.Number, reps[k], errs[k], ReasonRegister)
					if err != nil {
						return 0, err
					}
					if rec {
						res.Written++
						if before != afterV {
							res.Changed++
							if err := tx.notifyVerdictChanged(ctx, r.DealID, before, afterV); err != nil {
								return 0, err
							}
						}
					}
				}
			}
			return len(rows), nil
		})
		if err != nil {
			return res, err
		}
		if n < rescreenBatch {
			return res, nil
		}
	}
}
