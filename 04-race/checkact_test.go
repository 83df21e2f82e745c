package main

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One goroutine alone: every wallet keeps the rule.
func TestWalletsAlone(t *testing.T) {
	steps := []struct {
		n    int64
		ok   bool
		left int64
	}{
		{30, true, 70}, {30, true, 40}, {30, true, 10}, {30, false, 10}, {10, true, 0}, {1, false, 0},
	}
	for _, k := range wallets {
		t.Run(k.name, func(t *testing.T) {
			w := k.make(100, func() {})
			for _, s := range steps {
				assert.Equal(t, s.ok, w.TryWithdraw(s.n), "withdraw %d", s.n)
				assert.Equal(t, s.left, w.Balance())
			}
		})
	}
}

// Many goroutines: the broken wallet overdraws, the fixes never do. The test
// runs under -race, and passing it is the proof that the detector cannot see
// the broken one: each step is locked, so there is no data race to report.
func TestWalletsUnderStress(t *testing.T) {
	const rounds, goroutines = 200, 4
	pauses := []struct {
		name  string
		pause func()
	}{
		{"yield between check and act", runtime.Gosched},
		{"no pause", func() {}},
	}
	for _, k := range wallets {
		for _, p := range pauses {
			t.Run(k.name+"/"+p.name, func(t *testing.T) {
				r := stressWallet(k, rounds, goroutines, p.pause)
				require.Equal(t, rounds, r.rounds, "the stress ran out of time")
				switch {
				case !k.broken:
					assert.Zero(t, r.overdrawn, "a fixed wallet never overdraws")
					assert.Zero(t, r.lowest)
				case p.name == "no pause":
					// Without the yield the window is a few nanoseconds: it
					// breaks rarely, so there is nothing to assert but we
					// say what happened.
					t.Logf("overdrawn in %d of %d rounds", r.overdrawn, rounds)
				default:
					assert.Positive(t, r.overdrawn, "the check-then-act wallet should overdraw")
					assert.Negative(t, r.lowest)
				}
			})
		}
	}
}

func BenchmarkTryWithdraw(b *testing.B) {
	for _, k := range wallets[1:] {
		b.Run(k.name, func(b *testing.B) {
			w := k.make(1<<62, func() {})
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					w.TryWithdraw(1)
				}
			})
		})
	}
}
