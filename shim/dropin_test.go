//go:build unix

package main

import (
	"os"
	"strings"
	"testing"
)

func TestCheckPrivateDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := checkPrivateDir(dir, os.Getuid()); err != nil {
		t.Fatalf("own 0700 directory refused: %v", err)
	}
	// Another user's directory, shown by faking the uid the owner is compared with.
	if err := checkPrivateDir(dir, os.Getuid()+1); err == nil || !strings.Contains(err.Error(), "not a private directory of this user") {
		t.Fatalf("another user's directory accepted: %v", err)
	}
	if err := os.Chmod(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := checkPrivateDir(dir, os.Getuid()); err == nil {
		t.Fatal("a directory others can enter was accepted")
	}
	f := dir + "/file"
	os.WriteFile(f, nil, 0o600)
	if err := checkPrivateDir(f, os.Getuid()); err == nil {
		t.Fatal("a file was accepted as a directory")
	}
}
