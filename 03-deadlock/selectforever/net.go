//go:build withnet

package main

// Importing net is enough: with cgo on, net links the C library's resolver,
// and the binary is a cgo binary.
import _ "net"
