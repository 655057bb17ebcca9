package screening_test

import "syscall"
import "time"
import "unsafe"

// threadCPU is the CPU time of the calling OS thread (the caller locks
// its goroutine to the thread): a screening's own CPU time, which the
// other work on a shared machine does not inflate the way it inflates
// wall time.
func threadCPU() time.Duration {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
