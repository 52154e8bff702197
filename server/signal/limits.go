package signal

import (
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
)

// ipTable tracks what each client IP address holds: its open connections
// and its login attempt budget (docs/security.md). An address's entry stays
// while it has connections or an unspent penalty, so reconnecting does not
// refill the login budget.
type ipTable struct {
	limits config.Limits

	mu        sync.Mutex
	ips       map[string]*ipEntry
	lastSweep time.Time
}

type ipEntry struct {
	conns  int
	logins *rate.Limiter
}

func newIPTable(l config.Limits) *ipTable {
	return &ipTable{limits: l, ips: map[string]*ipEntry{}}
}

// clientIP is the address part of a request's remote address.
func clientIP(remote string) string {
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}

func (t *ipTable) entry(ip string, now time.Time) *ipEntry {
	if now.Sub(t.lastSweep) > 10*time.Second {
		t.lastSweep = now
		for k, e := range t.ips {
			if e.conns == 0 && e.logins.TokensAt(now) >= float64(t.limits.LoginBurst) {
				delete(t.ips, k)
			}
		}
	}
	e := t.ips[ip]
	if e == nil {
		e = &ipEntry{logins: rate.NewLimiter(rate.Limit(t.limits.LoginsPerIPPerSecond), t.limits.LoginBurst)}
		t.ips[ip] = e
	}
	return e
}

// open counts a new connection of ip, or refuses it at the limit.
func (t *ipTable) open(ip string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entry(ip, time.Now())
	if e.conns >= t.limits.ConnectionsPerIP {
		return protocol.Errorf(protocol.ErrConnectionLimit, "too many connections from this address")
	}
	e.conns++
	return nil
}

// close uncounts a connection open let in.
func (t *ipTable) close(ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.ips[ip]; e != nil && e.conns > 0 {
		e.conns--
	}
}

// login spends one login attempt of ip.
func (t *ipTable) login(ip string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.entry(ip, time.Now()).logins.Allow() {
		return protocol.Errorf(protocol.ErrLoginRateLimited, "too many login attempts from this address")
	}
	return nil
}

// refuse answers an HTTP request that cannot become a connection with the
// error's code in a JSON body, which engines report as the login's error.
func refuse(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(protocol.ErrorBody{Code: protocol.CodeOf(err), Message: errorMessage(err)})
}
