package entitled

import (
	"context"
	"fmt"
	"time"
)

// HealthState is the health of a connected system: whether its deliveries
// run (active) or wait (suspended by entitled, paused by an administrator).
type HealthState string

// The health states.
const (
	HealthActive    HealthState = "active"
	HealthSuspended HealthState = "suspended"
	HealthPaused    HealthState = "paused"
)

// HealthPolicy is a connected system's setting of automatic suspension.
type HealthPolicy struct {
	// SuspendAfter is how many consecutive transient failures suspend the
	// system; 0 never suspends it automatically.
	SuspendAfter int
	// MaxProbeInterval caps the back-off between two probes of a suspended
	// system: the longest a recovered system waits to be resumed.
	MaxProbeInterval time.Duration
	// RetryFailedWithin is how long before a suspension a delivery may have
	// failed transiently and still be run again when the system resumes.
	RetryFailedWithin time.Duration
}

// DefaultHealthPolicy is used when a system does not set one.
var DefaultHealthPolicy = HealthPolicy{SuspendAfter: 5, MaxProbeInterval: time.Minute, RetryFailedWithin: 15 * time.Minute}

// FirstProbeAfter is the wait between a suspension and the first probe; it
// doubles after each failed probe up to HealthPolicy.MaxProbeInterval.
const FirstProbeAfter = time.Second

// Bounds of a HealthPolicy.
const (
	maxSuspendAfter      = 1000
	minProbeInterval     = time.Second
	maxProbeInterval     = 24 * time.Hour
	maxRetryFailedWithin = 7 * 24 * time.Hour
)

// badHealthPolicy is the 400 for a bad health policy; callers add the
// message key.
//
//i18n:keyed-by-caller
func badHealthPolicy(target, msg string) *Error {
	return &Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target, Message: msg}
}

// Validate checks the policy and returns a 400 *Error naming the property.
func (p HealthPolicy) Validate() error {
	switch {
	case p.SuspendAfter < 0 || p.SuspendAfter > maxSuspendAfter:
		return badHealthPolicy("healthPolicy.suspendAfter", fmt.Sprintf("healthPolicy.suspendAfter must be between 0 (never suspend) and %d", maxSuspendAfter)).WithKey("err.health.badSuspendAfter", "Max", maxSuspendAfter)
	case p.MaxProbeInterval < minProbeInterval || p.MaxProbeInterval > maxProbeInterval:
		return badHealthPolicy("healthPolicy.maxProbeInterval", "healthPolicy.maxProbeInterval must be between PT1S and P1D").WithKey("err.health.badProbeInterval")
	case p.RetryFailedWithin < 0 || p.RetryFailedWithin > maxRetryFailedWithin:
		return badHealthPolicy("healthPolicy.retryFailedWithin", "healthPolicy.retryFailedWithin must be between PT0S and P7D").WithKey("err.health.badRetryWithin")
	}
	return nil
}

// ProbeBackoff is the wait before probe n+1 after n failed probes (n ≥ 0):
// FirstProbeAfter doubled per failed probe, capped at MaxProbeInterval.
func (p HealthPolicy) ProbeBackoff(n int) time.Duration {
	d := min(FirstProbeAfter, p.MaxProbeInterval)
	for i := 0; i < n && d < p.MaxProbeInterval; i++ {
		d *= 2
	}
	return min(d, p.MaxProbeInterval)
}

// SystemHealth is the health of one connected system, kept in the database
// so that every replica sees it.
type SystemHealth struct {
	State HealthState
	// Since is when the state began (zero for a system never suspended).
	Since time.Time
	// Reason says why the system is not active, for people.
	Reason string
	// Failures counts consecutive transient failures.
	Failures int
	// LastError is the message of the last failure (delivery or probe).
	LastError string
	// SuspendedAt is when entitled suspended the system, kept while it is
	// suspended or paused afterwards: deliveries that failed shortly before
	// run again when it resumes.
	SuspendedAt *time.Time
	// ProbeFailures counts the failed probes since the suspension.
	ProbeFailures int
	LastProbe     *time.Time
	NextProbe     *time.Time
	// PausedBy names the administrator who paused the system.
	PausedBy string
	// WaitingDeliveries counts the deliveries to the system that wait
	// (filled in by reads, not by the rule).
	WaitingDeliveries int
}

// Active is the health of a system without any recorded trouble.
var Active = SystemHealth{State: HealthActive}

// HealthEventKind is what happened to a connected system.
type HealthEventKind int

// The health events.
const (
	// EventOutcomes: deliveries to the system ended attempts.
	EventOutcomes HealthEventKind = iota + 1
	// EventProbe: a probe of the system ended.
	EventProbe
	// EventPause: an administrator pauses the system.
	EventPause
	// EventResume: an administrator resumes the system.
	EventResume
)

// HealthEvent is one event for SystemHealth.Apply.
type HealthEvent struct {
	Kind HealthEventKind
	// Succeeded says (EventOutcomes) that an attempt succeeded, before the
	// Failures; (EventProbe) that the probe succeeded.
	Succeeded bool
	// Failures (EventOutcomes) counts the transient failures after the last
	// success, in the order the attempts ended.
	Failures int
	// Error is the message of the last failure.
	Error string
	// By names who pauses or resumes (EventPause, EventResume).
	By string
}

// HealthTransition names a change of state that the store acts on.
type HealthTransition string

// The transitions.
const (
	TransitionNone    HealthTransition = ""
	TransitionSuspend HealthTransition = "suspend"
	TransitionPause   HealthTransition = "pause"
	TransitionResume  HealthTransition = "resume"
)

// HealthChange is what SystemHealth.Apply decides.
type HealthChange struct {
	Health     SystemHealth
	Transition HealthTransition
	// RetryFailedSince is set on a resume of a system entitled had
	// suspended: deliveries to it that failed transiently since then run
	// again.
	RetryFailedSince *time.Time
}

// Apply is the health rule: the new health of a system after an event.
//
//   - Outcomes count consecutive transient failures (a success resets the
//     count); at SuspendAfter (unless 0) an active system is suspended and
//     its first probe is due after FirstProbeAfter. Outcomes never resume
//     a system (an attempt that was under way when it was suspended may
//     still end): only a probe or an administrator does.
//   - A probe of a suspended system resumes it on success; on failure the
//     next probe waits twice as long, up to MaxProbeInterval.
//   - An administrator may pause an active or suspended system (409 when
//     already paused) and resume a paused or suspended one (409 when
//     active). A paused system is not probed.
//   - A resume resets the failures; when the system had been suspended,
//     deliveries that failed transiently from RetryFailedWithin before
//     the suspension run again.
func (h SystemHealth) Apply(p HealthPolicy, ev HealthEvent, now time.Time) (HealthChange, error) {
	if h.State == "" {
		h.State = HealthActive
	}
	n := h
	switch ev.Kind {
	case EventOutcomes:
		if ev.Succeeded {
			n.Failures = 0
		}
		n.Failures += ev.Failures
		if ev.Failures > 0 {
			n.LastError = ev.Error
		}
		if h.State == HealthActive && p.SuspendAfter > 0 && n.Failures >= p.SuspendAfter {
			n.State, n.Since, n.SuspendedAt = HealthSuspended, now, &now
			n.Reason = fmt.Sprintf(reasonFailures, n.Failures)
			n.ProbeFailures, n.LastProbe = 0, nil
			next := now.Add(p.ProbeBackoff(0))
			n.NextProbe = &next
			return HealthChange{Health: n, Transition: TransitionSuspend}, nil
		}
		return HealthChange{Health: n}, nil
	case EventProbe:
		if h.State != HealthSuspended {
			return HealthChange{Health: h}, nil // stale: resumed or paused meanwhile
		}
		n.LastProbe = &now
		if ev.Succeeded {
			return h.resumed(p, n, now, reasonProbeSucceeded), nil
		}
		n.ProbeFailures++
		n.LastError = ev.Error
		next := now.Add(p.ProbeBackoff(n.ProbeFailures))
		n.NextProbe = &next
		return HealthChange{Health: n}, nil
	case EventPause:
		if h.State == HealthPaused {
			return HealthChange{}, Conflictf("the system is already paused (by %s)", h.PausedBy).WithKey("health.alreadyPaused", "By", h.PausedBy)
		}
		n.State, n.Since, n.PausedBy, n.NextProbe = HealthPaused, now, ev.By, nil
		n.Reason = reasonPausedBy + ev.By
		return HealthChange{Health: n, Transition: TransitionPause}, nil
	case EventResume:
		if h.State == HealthActive {
			return HealthChange{}, Conflictf("the system is active; only a suspended or paused system can be resumed").WithKey("health.notResumable")
		}
		return h.resumed(p, n, now, reasonResumedBy+ev.By), nil
	}
	return HealthChange{}, fmt.Errorf("unknown health event %d", ev.Kind)
}

// resumed is the change to active from h (suspended or paused), n being h
// with the event's counts applied.
func (h SystemHealth) resumed(p HealthPolicy, n SystemHealth, now time.Time, why string) HealthChange {
	c := HealthChange{Transition: TransitionResume}
	if h.SuspendedAt != nil {
		since := h.SuspendedAt.Add(-p.RetryFailedWithin)
		c.RetryFailedSince = &since
	}
	c.Health = SystemHealth{State: HealthActive, Since: now, Reason: why, LastProbe: n.LastProbe, LastError: n.LastError}
	return c
}

// WaitingReason says why a delivery to the named system waits, or "" when
// the system is active: "waiting: crm is suspended since 2026-12-06
// 10:42:05 UTC after 5 consecutive transient failures".
func (h SystemHealth) WaitingReason(system string) string { return h.WaitingText(system).Message }

// WaitingText is WaitingReason with its catalogue key; Message "" when the
// system is active.
func (h SystemHealth) WaitingText(system string) Text {
	at := h.Since.UTC().Format("2006-01-02 15:04:05 UTC")
	why := h.ReasonText()
	args := Args{"System": system, "Since": h.Since, "Reason": why}
	switch h.State {
	case HealthSuspended:
		return Text{Message: fmt.Sprintf("waiting: %s is suspended since %s after %s", system, at, h.Reason), Key: "health.waiting.suspended", Args: args}
	case HealthPaused:
		return Text{Message: fmt.Sprintf("waiting: %s is paused since %s (%s)", system, at, h.Reason), Key: "health.waiting.paused", Args: args}
	}
	return Text{}
}

// ProbeWork is a suspended system to probe: with its connection check when
// its connector has one, else by attempting Delivery (one that waits); nil
// Delivery when nothing waits to try it with (the probe then succeeds: the
// next delivery tries the system, and its failures count again).
type ProbeWork struct {
	System   ConnectedSystem
	Delivery *DeliveryWork
}

// SystemHealthRecord is a system's health with its name, for metrics,
// /healthz and the engine's cache (state, since, reason and failures only).
type SystemHealthRecord struct {
	SystemID string
	Name     string
	Health   SystemHealth
}

// HealthEngine is the store side of system health used by the delivery
// engine; it acts as the system. Deliveries' outcomes are counted by
// Engine.RecordDeliveryOutcomes (DeliveryOutcome.SystemID).
type HealthEngine interface {
	// SystemHealths returns the health of every connected system.
	SystemHealths(ctx context.Context) ([]SystemHealthRecord, error)
	// ClaimProbes returns the suspended systems whose probe is due, each
	// claimed for lease: no other caller gets it meanwhile, on any replica.
	ClaimProbes(ctx context.Context, lease time.Duration) ([]ProbeWork, error)
	// RecordProbe records the result of a probe (nil: it succeeded).
	RecordProbe(ctx context.Context, systemID string, err error) error
}
