package main

import "fmt"

// Opposite transfers in any order: the lock order is by ID, never by
// direction, so this cannot deadlock however it is interleaved.
func ExampleTransferOrdered() {
	a, b := NewAccount(1, 100), NewAccount(2, 100)
	_ = TransferOrdered(a, b, 30)
	_ = TransferOrdered(b, a, 10)
	fmt.Println(a.Balance(), b.Balance(), TransferOrdered(a, a, 1))
	// Output: 80 120 transfer to the same account
}

// Who ate when varies with scheduling; how much everybody ate does not.
func ExampleDine() {
	for _, s := range []Strategy{Hierarchy, Waiter} {
		fmt.Println(s, Dine(Table{N: 5, Meals: 3, Strategy: s}, nil))
	}
	// Output:
	// resource hierarchy [3 3 3 3 3]
	// waiter (semaphore of n-1) [3 3 3 3 3]
}
