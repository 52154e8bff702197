// Command capi is libparley: the C ABI of include/parley.h, built with
// -buildmode=c-shared. It is a thin shell — argument checks, the handle
// table, panic guards, C callback trampolines — over engine/, render/ and
// server/; no call logic lives here.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include
#include "capi.h"
*/
import "C"

func main() {}
