//go:build unix

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExitCodes(t *testing.T) {
	got, err := exitCodes(t.Context())
	require.NoError(t, err)
	want := []struct {
		code   int
		signal string
		python int
		output string
	}{
		{0, "", 0, ""},
		{3, "", 3, ""},
		{-1, "SIGTERM", -15, ""},
		{-1, "SIGKILL", -9, ""},
		{0, "", 0, "got terminated, cleaning up\n"},
		{-1, "SIGKILL", -9, ""}, // SIGKILL cannot be caught
	}
	require.Len(t, got, len(want))
	for i, w := range want {
		t.Run(got[i].what, func(t *testing.T) {
			assert.Equal(t, w.code, got[i].exitCode)
			assert.Equal(t, w.signal, got[i].signal)
			assert.Equal(t, w.python, got[i].python)
			assert.Equal(t, w.output, got[i].output)
		})
	}
}

func TestCancelWithDelay(t *testing.T) {
	tests := []struct {
		mode     string
		exitCode int
		signal   string
		err      string
		killed   bool // the WaitDelay had to run out
	}{
		// The child obeys SIGTERM and exits 0, but Wait still reports the
		// context's error: the command was cut short.
		{mode: "graceful", exitCode: 0, err: "context canceled"},
		// The child ignores SIGTERM, so exec sends SIGKILL after WaitDelay.
		{mode: "stubborn", exitCode: -1, signal: "SIGKILL", err: "signal: killed", killed: true},
	}
	const delay = 300 * time.Millisecond
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			r, err := cancelWithDelay(t.Context(), tt.mode, delay)
			require.NoError(t, err)
			assert.Equal(t, tt.exitCode, r.exitCode)
			assert.Equal(t, tt.signal, r.signal)
			require.Error(t, r.err)
			assert.Equal(t, tt.err, r.err.Error())
			if tt.killed {
				// Not a timing assertion on speed: exec cannot send the
				// SIGKILL before WaitDelay has passed.
				assert.GreaterOrEqual(t, r.took, delay)
			}
		})
	}
}

func TestOwnMemory(t *testing.T) {
	saw, after, err := ownMemory(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "child: counter starts at 0 (a fresh program, not a copy of the parent); set it to 99\n", saw)
	assert.Equal(t, 42, after)
}

func TestCPUTimes(t *testing.T) {
	// 300ms each: the kernel splits a process's CPU time into user and
	// system by sampling at its clock tick, and on a loaded machine a short
	// run gets few samples (a run of 100ms once came out exactly half and
	// half for the syscalls child).
	got, err := cpuTimes(t.Context(), 300*time.Millisecond)
	require.NoError(t, err)
	require.Len(t, got, 2)
	// Each child used at least 300ms of CPU, and the kind of work decides
	// where it went: computing is user time, zero-filling is system time.
	// These are CPU times the kernel accounted, not wall-clock speed.
	compute, sys := got[0], got[1]
	assert.GreaterOrEqual(t, compute.user+compute.sys, 300*time.Millisecond)
	assert.Greater(t, compute.user, compute.sys, "compute child")
	assert.GreaterOrEqual(t, sys.user+sys.sys, 300*time.Millisecond)
	// Zero-filling also spends user time (clearing the pages), and on a busy
	// machine the split moves, so compare the two children's shares of
	// system time rather than demand a majority or a margin.
	share := func(c cpuReport) float64 { return float64(c.sys) / float64(c.user+c.sys) }
	assert.Greater(t, share(sys), share(compute), "system share: syscalls child %v, compute child %v", sys, compute)
}
