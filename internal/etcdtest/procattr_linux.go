package etcdtest

import "syscall"

// procAttr makes the kernel kill etcd if the test process dies without
// running its cleanups (a -timeout panic, a SIGKILL), so no server
// outlives its test binary.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
