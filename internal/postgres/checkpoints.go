package postgres

import "bytes"
import "context"
import "encoding/hex"
import "fmt"

import "github.com/dealgate/dealgate/internal/checkpoint"
import "github.com/dealgate/dealgate/internal/dealgate"

// VerifyAuditCheckpoints verifies the chain and proves that it still
// extends each checkpoint: the event at each checkpoint's sequence number
// exists and has the checkpoint's hash. Since every hash covers the one
// before it, the events up to there are those that were signed. The report
// is broken at the first checkpoint the chain no longer extends.
func (db *DB) VerifyAuditCheckpoints(ctx context.Context, cps []checkpoint.Checkpoint) (dealgate.ChainReport, error) {
	keep := map[int64][]byte{}
	for _, c := range cps {
		keep[c.Seq] = nil
	}
	rep, err := db.verifyAuditChain(ctx, keep)
	if err != nil || !rep.OK() {
		return rep, err
	}
	for _, c := range cps {
		got := keep[c.Seq]
		switch {
		case c.Seq == 0:
			got = make([]byte, len(c.Hash)) // the empty chain's head
		case c.Seq > rep.HeadSeq:
			return broken(rep, rep.HeadSeq+1, fmt.Sprintf("the checkpoint of %s signed head %d, but the chain now ends at %d: events were removed from the end",
				c.Time.UTC().Format("2006-01-02 15:04:05Z"), c.Seq, rep.HeadSeq)), nil
		}
		if !bytes.Equal(got, c.Hash) {
			return broken(rep, c.Seq, fmt.Sprintf("the checkpoint of %s signed hash %s for event %d, the chain now has %s: the chain was rewritten at or before this event",
				c.Time.UTC().Format("2006-01-02 15:04:05Z"), hex.EncodeToString(c.Hash), c.Seq, hex.EncodeToString(got))), nil
		}
	}
	return rep, nil
}
