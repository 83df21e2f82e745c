package docblocks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// TestDocsMatchCode runs every marked block in docs/*.md and fails when the
// page no longer shows what the code prints. Run make docs to refresh them.
// Set DOCS_SKIP=1 to leave it out of a quick local run.
func TestDocsMatchCode(t *testing.T) {
	if os.Getenv("DOCS_SKIP") != "" {
		t.Skip("DOCS_SKIP is set")
	}
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	pages, err := Pages(root)
	require.NoError(t, err)
	require.NotEmpty(t, pages, "no pages under docs/")
	for _, p := range pages {
		rel, _ := filepath.Rel(root, p)
		t.Run(rel, func(t *testing.T) {
			t.Parallel() // pages are independent; blocks within a page stay in order
			_, blocks, err := ParseFile(p)
			require.NoError(t, err)
			for _, b := range blocks {
				b.File = rel
				got, err := Run(t.Context(), root, b)
				if !assert.NoError(t, err) {
					continue
				}
				assert.Equal(t, Normalize(b, b.Text), Normalize(b, got),
					"%s: the page no longer shows what %q prints; run make docs", b.Where(), b.Command)
			}
		})
	}
}
