package lessontest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPageShape(t *testing.T) {
	page := "# 99 · Title\n\n## The idea\n\ntext\n\n```sh\n## not a heading\n```\n\n## 1. One\n\n### sub\n\n## Break it\n\nNext: [100](100.md)\n\n"
	headings, last := pageShape(page)
	assert.Equal(t, []string{"The idea", "1. One", "Break it"}, headings)
	assert.Equal(t, "Next: [100](100.md)", last)
}
