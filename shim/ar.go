package main

// Appending a member to a Go archive (_pkg_.a) after compile, and reading one back. The archive is a standard `ar`
// file: "!<arch>\n", then per member a 60-byte header (name 16, mtime 12, uid 6, gid 6,
// mode 8, size 10, "`\n"), the data, and one '\n' of padding when the size is odd. A member
// inside the archive travels with it through GOCACHE, which is why weft records link-time
// facts this way.

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
)

const arMagic = "!<arch>\n"

func arHeader(name string, size int) []byte {
	h := make([]byte, 0, 60)
	field := func(s string, width int) {
		h = append(h, s...)
		for i := len(s); i < width; i++ {
			h = append(h, ' ')
		}
	}
	field(name, 16)
	field("0", 12)
	field("0", 6)
	field("0", 6)
	field("644", 8)
	field(strconv.Itoa(size), 10)
	h = append(h, '`', '\n')
	return h
}

// appendArMember adds one member at the end of an existing ar archive in a single write.
func appendArMember(archive, name string, data []byte) error {
	if len(name) == 0 || len(name) > 15 {
		return errors.New("member name must be 1 to 15 bytes")
	}
	f, err := os.OpenFile(archive, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	magic := make([]byte, len(arMagic))
	if _, err := io.ReadFull(f, magic); err != nil || string(magic) != arMagic {
		return errors.New("not an ar archive (no !<arch> header)")
	}
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	var buf []byte
	if end%2 == 1 {
		// Members start at even offsets; an archive ending odd lacks its last pad byte.
		buf = append(buf, '\n')
	}
	buf = append(buf, arHeader(name, len(data))...)
	buf = append(buf, data...)
	if len(data)%2 == 1 {
		buf = append(buf, '\n')
	}
	if _, err := f.Write(buf); err != nil {
		return err
	}
	return f.Close()
}

// readArMember is the data of the first member called name (nil when there is none), reading
// only the headers before it.
func readArMember(archive, name string) ([]byte, error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	total := fi.Size()
	magic := make([]byte, len(arMagic))
	if _, err := io.ReadFull(f, magic); err != nil || string(magic) != arMagic {
		return nil, errors.New(archive + ": not an ar archive")
	}
	pos := int64(len(arMagic))
	h := make([]byte, 60)
	for pos+60 <= total {
		if _, err := f.ReadAt(h, pos); err != nil {
			return nil, err
		}
		if h[58] != '`' || h[59] != '\n' {
			return nil, errors.New(archive + ": bad member header")
		}
		size, err := strconv.ParseInt(strings.TrimSpace(string(h[48:58])), 10, 64)
		if err != nil || size < 0 || pos+60+size > total {
			return nil, errors.New(archive + ": bad member size")
		}
		if strings.TrimRight(string(h[:16]), " ") == name {
			data := make([]byte, size)
			if _, err := f.ReadAt(data, pos+60); err != nil {
				return nil, err
			}
			return data, nil
		}
		pos += 60 + size + size%2
	}
	return nil, nil
}
