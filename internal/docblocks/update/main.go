// Command update regenerates the output blocks in docs/*.md from real runs of
// the code (see package docblocks). Run it with make docs, from anywhere in
// the module; name pages to update only those.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gocourse/concurrency/internal/docblocks"
	"github.com/gocourse/concurrency/internal/harness"
)

func main() {
	root, err := harness.ModuleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "docs:", err)
		os.Exit(1)
	}
	pages := os.Args[1:]
	if len(pages) == 0 {
		if pages, err = docblocks.Pages(root); err != nil {
			fmt.Fprintln(os.Stderr, "docs:", err)
			os.Exit(1)
		}
	}
	log := bufio.NewWriter(os.Stdout)
	defer log.Flush()
	for _, p := range pages {
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		if err := docblocks.UpdateFile(context.Background(), root, p, log); err != nil {
			log.Flush()
			fmt.Fprintln(os.Stderr, "docs:", err)
			os.Exit(1)
		}
	}
}
