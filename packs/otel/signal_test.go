package weftotel

import (
	"context"
	"os"
	"syscall"
	"testing"
)

func TestProgramHandlesFollowsNotifyStopAndNotifyContext(t *testing.T) {
	handlers.by = nil
	if programHandles(syscall.SIGTERM) {
		t.Fatal("handled before any Notify")
	}
	ch := make(chan os.Signal, 1)
	Notify(ch, syscall.SIGINT)
	if !programHandles(syscall.SIGINT) || programHandles(syscall.SIGTERM) {
		t.Fatal("Notify(SIGINT) not remembered as exactly SIGINT")
	}
	StopNotify(ch)
	if programHandles(syscall.SIGINT) {
		t.Fatal("StopNotify not remembered")
	}
	_, stop := NotifyContext(context.Background(), syscall.SIGTERM)
	if !programHandles(syscall.SIGTERM) {
		t.Fatal("NotifyContext not remembered")
	}
	stop()
	if programHandles(syscall.SIGTERM) {
		t.Fatal("NotifyContext's stop not remembered")
	}
	all := make(chan os.Signal, 1)
	Notify(all)
	if !programHandles(syscall.SIGTERM) {
		t.Fatal("Notify with no signals means every signal")
	}
	Reset()
	if programHandles(syscall.SIGTERM) {
		t.Fatal("Reset() forgets every handler")
	}
}
