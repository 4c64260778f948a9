package weftotel

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Services rarely return from main: they end on SIGINT or SIGTERM. The pack listens for both
// (unless the program started with them ignored) and flushes the spans when one arrives. What
// happens next is what would have happened without the pack: if the program handles the signal
// itself (its calls to signal.Notify and signal.NotifyContext are woven to go through Notify and
// NotifyContext below, so the pack knows), the program goes on and ends its own way; if not,
// the pack stops listening and raises the signal again, so the default action ends the process
// with that signal, as before.

var terminating = []os.Signal{syscall.SIGINT, syscall.SIGTERM}

var handlers struct {
	sync.Mutex
	// by registration (a channel, or a NotifyContext's token) the signals the program asked for;
	// an empty list means every signal, as for signal.Notify.
	by map[any][]os.Signal
}

func watchSignals() {
	var watched []os.Signal
	for _, s := range terminating {
		if !signal.Ignored(s) {
			watched = append(watched, s)
		}
	}
	if len(watched) == 0 {
		return
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, watched...)
	go func() {
		for s := range ch {
			if programHandles(s) {
				flush()
				continue
			}
			Stop()
			signal.Stop(ch)
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				_ = p.Signal(s)
			}
			return
		}
	}()
}

func programHandles(s os.Signal) bool {
	handlers.Lock()
	defer handlers.Unlock()
	for _, sigs := range handlers.by {
		if len(sigs) == 0 {
			return true
		}
		for _, t := range sigs {
			if t == s {
				return true
			}
		}
	}
	return false
}

func remember(key any, sigs []os.Signal) {
	handlers.Lock()
	defer handlers.Unlock()
	if handlers.by == nil {
		handlers.by = map[any][]os.Signal{}
	}
	if len(sigs) == 0 {
		handlers.by[key] = nil
		return
	}
	handlers.by[key] = append(handlers.by[key][:len(handlers.by[key]):len(handlers.by[key])], sigs...)
}

func forget(key any) {
	handlers.Lock()
	defer handlers.Unlock()
	delete(handlers.by, key)
}

// Notify replaces signal.Notify in the program's calls.
func Notify(c chan<- os.Signal, sig ...os.Signal) {
	remember(c, sig)
	signal.Notify(c, sig...)
}

// StopNotify replaces signal.Stop in the program's calls.
func StopNotify(c chan<- os.Signal) {
	forget(c)
	signal.Stop(c)
}

// Reset replaces signal.Reset in the program's calls.
func Reset(sig ...os.Signal) {
	handlers.Lock()
	if len(sig) == 0 {
		handlers.by = nil
	} else {
		for k, sigs := range handlers.by {
			kept := sigs[:0:0]
			for _, s := range sigs {
				if !contains(sig, s) {
					kept = append(kept, s)
				}
			}
			if len(sigs) > 0 && len(kept) == 0 {
				delete(handlers.by, k)
			} else if len(sigs) > 0 {
				handlers.by[k] = kept
			}
		}
	}
	handlers.Unlock()
	signal.Reset(sig...)
	if len(sig) == 0 || contains(sig, syscall.SIGINT) || contains(sig, syscall.SIGTERM) {
		// The program reset the pack's own registration too: listen again.
		if enabled() {
			watchSignals()
		}
	}
}

// NotifyContext replaces signal.NotifyContext in the program's calls.
func NotifyContext(parent context.Context, sig ...os.Signal) (context.Context, context.CancelFunc) {
	token := new(int)
	remember(token, sig)
	ctx, stop := signal.NotifyContext(parent, sig...)
	return ctx, func() {
		forget(token)
		stop()
	}
}

func contains(list []os.Signal, s os.Signal) bool {
	for _, t := range list {
		if t == s {
			return true
		}
	}
	return false
}
