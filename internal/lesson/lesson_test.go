package lesson

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseOnly(t *testing.T) {
	tests := []struct {
		value   string
		want    []int
		wantErr string
	}{
		{value: "", want: nil},
		{value: "3", want: []int{3}},
		{value: "5, 1", want: []int{5, 1}},
		{value: "0", wantErr: `-only takes section numbers from 1 to 5, got "0"`},
		{value: "6", wantErr: `-only takes section numbers from 1 to 5, got "6"`},
		{value: "1,x", wantErr: `got "x"`},
		{value: "1,", wantErr: `got ""`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := ParseOnly(tt.value, 5, "section")
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
