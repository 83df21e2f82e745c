//go:build !unix

package harness

import (
	"os"
	"os/exec"
)

func newProcessGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }

func signalOf(*os.ProcessState) string { return "" }
