// Command tiny does nothing: BenchmarkSpawn starts it to measure what the Go
// runtime's own start costs, apart from any lesson code.
package main

func main() {}
