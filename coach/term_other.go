//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package main

import (
	"errors"
	"os"
)

func isTerminal(*os.File) bool { return false }

func termWidth(*os.File) int { return 0 }

func singleKeys(*os.File) (<-chan byte, func(), error) {
	return nil, nil, errors.New("single keys need a Unix terminal")
}
