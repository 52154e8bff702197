package render

import "errors"

// Sentinel errors. Functions wrap them with detail (fmt.Errorf with %w), so
// compare with errors.Is; the C layer maps each one to a PARLEY_ERR_ code.
var (
	// ErrInvalidDesc means a view description was rejected: a size is zero,
	// negative or too large, the stride is shorter than a row, the pixel
	// buffer is shorter than Stride*Height, or the mode is unknown.
	ErrInvalidDesc = errors.New("render: invalid view description")

	// ErrInvalidFrame means a conversion got a frame or buffer whose size,
	// strides or plane lengths do not fit, so it refused to touch memory.
	ErrInvalidFrame = errors.New("render: invalid frame")

	// ErrClosed is returned by Acquire and Release after Close: the view no
	// longer owns its pixels and will never write them again.
	ErrClosed = errors.New("render: view closed")

	// ErrAlreadyAcquired is returned by Acquire while the view is held; a
	// view has one host-side owner at a time, like an SDL camera frame.
	ErrAlreadyAcquired = errors.New("render: view already acquired")

	// ErrNotAcquired is returned by Release when Acquire did not succeed
	// first, so unbalanced calls in a binding show up instead of passing.
	ErrNotAcquired = errors.New("render: view not acquired")
)
