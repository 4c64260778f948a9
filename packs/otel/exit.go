package weftotel

import (
	"fmt"
	"log"
	"os"
)

// Exit replaces os.Exit in the program's own calls: deferred functions do not run on os.Exit,
// so the spans are flushed here first.
func Exit(code int) {
	Stop()
	os.Exit(code)
}

// Fatal, Fatalf and Fatalln replace log's, which end in os.Exit inside package log where no
// aspect can reach: the message is written first, then the spans flushed, then the exit.
func Fatal(v ...any) {
	log.Default().Output(2, fmt.Sprint(v...))
	Exit(1)
}

func Fatalf(format string, v ...any) {
	log.Default().Output(2, fmt.Sprintf(format, v...))
	Exit(1)
}

func Fatalln(v ...any) {
	log.Default().Output(2, fmt.Sprintln(v...))
	Exit(1)
}
