// Command selectforever blocks its only goroutine forever, to show when the
// runtime's deadlock check ("all goroutines are asleep") works and when it
// is off.
//
// Built normally it is caught at once: exit status 2 and the stack of main,
// [select (no cases)]. But the check is skipped in any binary that links
// cgo, because C code the runtime cannot see might still call back into Go
// and wake a goroutine (golang/go#25538, golang/go#20588). Two common ways
// to link cgo without writing any C:
//
//   - build with -race: the race runtime needs cgo;
//   - import net (here: build with -tags withnet) while cgo is on, as it is
//     by default where a C compiler is installed: net then uses the C
//     library's name resolver.
//
// Either way the program just hangs. So the check catches a deadlocked toy,
// and never a server (net) or anything under go test -race. Build with
// CGO_ENABLED=0 -tags withnet and the check is back: it was cgo, not net.
package main

import "fmt"

func main() {
	fmt.Println("main: waiting in select {} with no other goroutine")
	select {}
}
