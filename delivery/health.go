package delivery

import (
	"context"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
)

// Defaults of the health settings of Config.
const (
	// DefaultHealthCacheTTL is how long a worker trusts what it read of
	// the systems' health before it reads it again.
	DefaultHealthCacheTTL = time.Second
	// DefaultProbeInterval is how often each replica looks for probes due.
	DefaultProbeInterval = time.Second
	// DefaultWaitSnooze is how long a delivery waiting for a system that is
	// not active sleeps before it looks again. A resume wakes it sooner
	// (JobWakeSystem); this bounds the wait should a wake-up miss it.
	DefaultWaitSnooze = 5 * time.Minute
)

// healthCache keeps the health of the systems that are not active, read
// from the store at most once per TTL — and again after a worker saw a
// transient failure, which may have suspended its system. The database
// stays the truth for every replica; the cache only spares a read per job.
type healthCache struct {
	src entitled.HealthEngine
	ttl time.Duration
	log func(msg string, args ...any)

	mu       sync.Mutex
	loadedAt time.Time
	dirty    bool
	waiting  map[string]entitled.SystemHealth // system id → health, not active only
	names    map[string]string
}

// waitingFor returns the health of the system when its deliveries must
// wait (it is suspended or paused).
func (c *healthCache) waitingFor(ctx context.Context, systemID string) (entitled.SystemHealth, bool) {
	if c == nil || systemID == "" {
		return entitled.SystemHealth{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dirty || time.Since(c.loadedAt) >= c.ttl {
		c.reload(ctx)
	}
	h, ok := c.waiting[systemID]
	return h, ok
}

// reload reads every system's health; on error the previous picture is
// kept until the next TTL. c.mu is held.
func (c *healthCache) reload(ctx context.Context) {
	recs, err := c.src.SystemHealths(ctx)
	c.loadedAt, c.dirty = time.Now(), false
	if err != nil {
		c.log("delivery: cannot read the health of connected systems; using what was read before", "error", err)
		return
	}
	waiting := map[string]entitled.SystemHealth{}
	names := map[string]string{}
	for _, r := range recs {
		names[r.SystemID] = r.Name
		if r.Health.State != entitled.HealthActive {
			waiting[r.SystemID] = r.Health
		}
	}
	c.waiting, c.names = waiting, names
}

// invalidate makes the next lookup read the store again.
func (c *healthCache) invalidate() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.dirty = true
	c.mu.Unlock()
}

// wait makes a deliver job whose system is not active wait without using
// an attempt: it logs why and snoozes the job.
func (e *Engine) wait(a DeliverArgs, systemID string, h entitled.SystemHealth) error {
	e.log.Debug("deliveries wait: their system is not active", "request", a.RequestID, "system", systemID,
		"state", string(h.State), "since", h.Since, "reason", h.Reason, "deliveries", len(a.Deliveries))
	return river.JobSnooze(e.cfg.WaitSnooze)
}

// initHealth applies the health defaults and builds the cache.
func (e *Engine) initHealth() {
	if e.cfg.Health == nil {
		return
	}
	if e.cfg.HealthCacheTTL <= 0 {
		e.cfg.HealthCacheTTL = DefaultHealthCacheTTL
	}
	if e.cfg.ProbeInterval <= 0 {
		e.cfg.ProbeInterval = DefaultProbeInterval
	}
	if e.cfg.WaitSnooze <= 0 {
		e.cfg.WaitSnooze = DefaultWaitSnooze
	}
	e.health = &healthCache{src: e.cfg.Health, ttl: e.cfg.HealthCacheTTL, log: e.log.Warn}
}

// startProber starts probing suspended systems, until stopProbing.
func (e *Engine) startProber(ctx context.Context) {
	if e.cfg.Health == nil {
		return
	}
	pctx, cancel := context.WithCancel(ctx)
	e.stopProber, e.proberDone = cancel, make(chan struct{})
	go e.runProber(pctx)
}

// stopProbing stops the prober and waits for it.
func (e *Engine) stopProbing() {
	if e.stopProber != nil {
		e.stopProber()
		<-e.proberDone
	}
}
