//go:build unix && !linux && !darwin

package main

func isTerminal(fd int) bool { return false }
