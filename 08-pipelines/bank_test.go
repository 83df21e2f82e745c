package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBanksConserveMoney(t *testing.T) {
	for _, mk := range []struct {
		name string
		new  func([]int64) Bank
	}{
		{"mutex", func(b []int64) Bank { return NewMutexBank(b) }},
		{"owner", func(b []int64) Bank { return NewOwnerBank(b) }},
	} {
		t.Run(mk.name, func(t *testing.T) {
			b := mk.new([]int64{100, 0, 50})
			defer b.Close()
			assert.NoError(t, b.Transfer(0, 1, 30))
			assert.ErrorIs(t, b.Transfer(1, 2, 31), ErrInsufficientFunds)
			assert.Equal(t, int64(150), b.Total())
			hammer(b, 3, 8, 500)
			assert.Equal(t, int64(150), b.Total(), "no money made or lost")
		})
	}
}
