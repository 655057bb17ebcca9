package dealgate

import _ "embed"
import "errors"
import "fmt"
import "time"

// The IANA database is compiled in, so time zones validate the same on
// a minimal container image without /usr/share/zoneinfo.
import _ "time/tzdata"

// --- throttling -------------------------------------------------------------

// ThrottlePolicy limits failed attempts under one key in a fixed window: the
// attempt that brings the failures in a window to MaxFailures locks the key
// for Lockout.
type ThrottlePolicy struct {
	MaxFailures int
	Window      time.Duration
	Lockout     time.Duration
}

// The throttles on sign-in and on re-entering a password or code. Per account
// they stop guessing one person's password; per client they stop one client
// trying a password against many accounts.
var (
	AccountThrottle = ThrottlePolicy{MaxFailures: 5, Window: 15 * time.Minute, Lockout: 15 * time.Minute}
	ClientThrottle  = ThrottlePolicy{MaxFailures: 20, Window: 15 * time.Minute, Lockout: 15 * time.Minute}
)

// ThrottleState is the stored state of one throttle key.
type ThrottleState struct {
	Failures    int
	WindowStart time.Time
	LockedUntil time.Time // zero: not locked
}

// RetryAfter is how long s stays locked after now; zero when not locked.
func (s ThrottleState) RetryAfter(now time.Time) time.Duration {
	if s.LockedUntil.After(now) {
		return s.LockedUntil.Sub(now)
	}
	return 0
}

// Reserve counts one attempt as a failure before it is checked, so that
// attempts made in parallel cannot slip past the limit; Release takes it back
// when the attempt succeeds. The caller refuses the attempt instead when the
// state is locked.
func (p ThrottlePolicy) Reserve(s ThrottleState, now time.Time) ThrottleState {
	if s.WindowStart.IsZero() || !now.Before(s.WindowStart.Add(p.Window)) {
		s = ThrottleState{WindowStart: now}
	}
	s.Failures++
	if s.Failures >= p.MaxFailures {
		s.LockedUntil = now.Add(p.Lockout)
	}
	return s
}

// Release takes back one reserved failure after the attempt succeeded.
func (p ThrottlePolicy) Release(s ThrottleState) ThrottleState {
	if s.Failures > 0 {
		s.Failures--
	}
	if s.Failures < p.MaxFailures {
		s.LockedUntil = time.Time{}
	}
	return s
}

// ExpiresAt is when s no longer matters and may be deleted.
func (p ThrottlePolicy) ExpiresAt(s ThrottleState) time.Time {
	end := s.WindowStart.Add(p.Window)
	if s.LockedUntil.After(end) {
		end = s.LockedUntil
	}
	return end
}

// retryAfterError carries the wait of an ETOOMANY; RetryAfter reads it.
type retryAfterError struct{ d time.Duration }

func (e retryAfterError) Error() string { return "retry after " + e.d.String() }

// TooMany returns ETOOMANY telling the user to wait d. RetryAfter(err)
// recovers d, e.g. for a Retry-After header.
func TooMany(d time.Duration) *Error {
	if d < time.Second {
		d = time.Second
	}
	return &Error{
		Code:    ETOOMANY,
		Message: fmt.Sprintf("Too many failed attempts. Try again in %s.", humanWait(d)),
		Err:     retryAfterError{d},
	}
}

// RetryAfter returns how long the caller must wait when err is a throttling
// ETOOMANY, else zero.
func RetryAfter(err error) time.Duration {
	var ra retryAfterError
	if errors.As(err, &ra) {
		return ra.d
	}
	return 0
}

func humanWait(d time.Duration) string {
	if d <= time.Minute {
		s := int((d + time.Second - 1) / time.Second)
		if s == 1 {
			return "1 second"
		}
		return fmt.Sprintf("%d seconds", s)
	}
	m := int((d + time.Minute - 1) / time.Minute)
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}
