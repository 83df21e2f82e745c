//go:build !unix

package docblocks

// tryLock never locks here: every run copies the module to a fresh path.
func tryLock(string) (unlock func(), ok bool) { return nil, false }
