// Package lesson holds the little that every chapter's main program shares.
package lesson

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseOnly reads the value of a lesson's -only flag: comma-separated numbers
// of the sections (or parts; noun says which) to run, each from 1 to max, in
// the order given. An empty value means every section and returns nil. A bad
// number is one line that says what the flag takes.
func ParseOnly(value string, max int, noun string) ([]int, error) {
	if value == "" {
		return nil, nil
	}
	var nums []int
	for f := range strings.SplitSeq(value, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > max {
			return nil, fmt.Errorf("-only takes %s numbers from 1 to %d, got %q", noun, max, f)
		}
		nums = append(nums, n)
	}
	return nums, nil
}
