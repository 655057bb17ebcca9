package dealgate

import "time"

// PreparedExport is a large export built in the background for the user
// who asked for it, kept until they download it or it expires.
type PreparedExport struct {
	ID          int64
	UserID      int64
	Kind        string // "audit"
	Format      string
	Query       string // the filtered view's query string, to go back to it
	Description string // the filters in words
	State       PreparedState
	Filename    string
	ContentType string
	Size        int64
	Rows        int64
	Error       string // why it failed, in words
	CreatedAt   time.Time
	FinishedAt  *time.Time
	ExpiresAt   time.Time
}

// PreparedState is where a prepared export stands.
type PreparedState string

const (
	PreparedBuilding PreparedState = "building"
	PreparedReady    PreparedState = "ready"
	PreparedFailed   PreparedState = "failed"
)

// PreparedStall is how long a building export may go without its builder's
// heartbeat before it counts as failed: the instance building it stopped.
const PreparedStall = time.Minute

// PreparedStateAt is the export's state as of now: a build whose heartbeat
// stopped is failed, with the reason.
func PreparedStateAt(state PreparedState, heartbeat, now time.Time) (PreparedState, string) {
	if state == PreparedBuilding && now.Sub(heartbeat) > PreparedStall {
		return PreparedFailed, "The server that was preparing this file stopped. Start the export again."
	}
	return state, ""
}
