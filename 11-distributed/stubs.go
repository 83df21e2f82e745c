package main

import (
	"context"
	"io"
)

func showBackpressure(ctx context.Context, w io.Writer) error { return nil }
func showCost(ctx context.Context, w io.Writer) error         { return nil }
