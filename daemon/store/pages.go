package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
)

// verifyPages walks a bbolt file's B+tree from its current meta page
// through every bucket, in the file's bytes read into memory (bounds
// checked), not through bbolt's memory map. It is what makes the rest safe:
// a flipped bit can point an element outside its page, outside the file,
// or at an ancestor page, and bbolt then faults (a SIGSEGV no recover
// catches on another goroutine) or descends forever, its own Tx.Check
// included (its recursion has no loop check). Once every page reachable
// from the root is in the file, referenced once, and every element lies
// inside its page with its keys in order, bbolt's reads stay in the map.
//
// The layout is bbolt v1.5.0's, go.etcd.io/bbolt/internal/common: page.go
// (a 16-byte header id, flags, count, overflow; 16-byte branch elements
// pos, ksize, pgid and leaf elements flags, pos, ksize, vsize, positions
// relative to the element), meta.go (magic, version, pageSize, flags, root
// bucket, freelist, pgid, txid, checksum: FNV-64a of the fields before
// it), bucket.go (a bucket value is its root pgid and sequence, followed
// by the page itself when the root is 0: an inline bucket).
func verifyPages(file []byte) error {
	m, err := currentMeta(file)
	if err != nil {
		return err
	}
	w := &pageWalk{file: file, size: uint64(m.pageSize), hwm: m.pgid, seen: map[uint64]bool{}}
	p, err := w.page(m.root)
	if err != nil {
		return fmt.Errorf("the root bucket: %w", err)
	}
	if err := w.tree(p, nil, nil); err != nil {
		return err
	}
	return w.freelist(m.freelist)
}

// freelist checks the freelist page (page.go, FreelistPageIds: a count of
// 0xFFFF means the real count is the first id slot) and that every page
// it frees is one of the file's and not also in the tree.
func (w *pageWalk) freelist(id uint64) error {
	if id == noFreelist {
		return nil
	}
	p, err := w.page(id)
	if err != nil {
		return fmt.Errorf("the freelist: %w", err)
	}
	if flags := le.Uint16(p[8:]); flags != freelistPageFlag {
		return fmt.Errorf("the freelist: page %d has type %#x", id, flags)
	}
	count, start := uint64(le.Uint16(p[10:])), uint64(pageHeader)
	if count == 0xFFFF {
		count, start = le.Uint64(p[pageHeader:]), pageHeader+8
	}
	if count > uint64(len(p)) || start+count*8 > uint64(len(p)) {
		return fmt.Errorf("the freelist: %d ids do not fit page %d", count, id)
	}
	for i := range count {
		free := le.Uint64(p[start+8*i:])
		if free < 2 || free >= w.hwm || w.seen[free] {
			return fmt.Errorf("the freelist frees page %d, which is not a free page of the file", free)
		}
	}
	return nil
}

// boltMeta is the part of a meta page the walk needs.
type boltMeta struct {
	pageSize   uint32
	root, pgid uint64
	freelist   uint64
	txid       uint64
	valid      bool
}

const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeader       = 16
	elementSize      = 16
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	freelistPageFlag = 0x10
	noFreelist       = 0xffffffffffffffff
	bucketLeafFlag   = 0x01
	bucketHeader     = 16
)

var le = binary.LittleEndian

func readMeta(file []byte, at int) boltMeta {
	if at+pageHeader+64 > len(file) {
		return boltMeta{}
	}
	b := file[at+pageHeader : at+pageHeader+64]
	h := fnv.New64a()
	_, _ = h.Write(b[:56])
	m := boltMeta{pageSize: le.Uint32(b[8:]), root: le.Uint64(b[16:]), freelist: le.Uint64(b[32:]), pgid: le.Uint64(b[40:]), txid: le.Uint64(b[48:])}
	m.valid = le.Uint32(b[0:]) == boltMagic && le.Uint32(b[4:]) == boltVersion && h.Sum64() == le.Uint64(b[56:])
	return m
}

// currentMeta is the meta page bbolt uses: the valid one with the higher
// transaction id (db.go, DB.meta).
func currentMeta(file []byte) (boltMeta, error) {
	m0 := readMeta(file, 0)
	size := m0.pageSize
	if !m0.valid || size < 512 || size > 1<<16 {
		size = 4096
	}
	m1 := readMeta(file, int(size))
	m := m0
	if !m0.valid || m1.valid && m1.txid > m0.txid {
		m = m1
	}
	if !m.valid {
		return m, errors.New("neither meta page is valid")
	}
	if m.pageSize < 512 || m.pageSize > 1<<16 || m.pgid*uint64(m.pageSize) > uint64(len(file)) {
		return m, fmt.Errorf("the meta page's page size %d and page count %d do not fit the file's %d bytes", m.pageSize, m.pgid, len(file))
	}
	return m, nil
}

type pageWalk struct {
	file []byte
	size uint64
	hwm  uint64
	seen map[uint64]bool
}

// page returns page id with its overflow, once.
func (w *pageWalk) page(id uint64) ([]byte, error) {
	if id < 2 || id >= w.hwm {
		return nil, fmt.Errorf("page %d is outside the file's pages 2-%d", id, w.hwm-1)
	}
	off := id * w.size
	hdr := w.file[off : off+pageHeader]
	if got := le.Uint64(hdr); got != id {
		return nil, fmt.Errorf("page %d says it is page %d", id, got)
	}
	overflow := uint64(le.Uint32(hdr[12:]))
	if id+overflow >= w.hwm {
		return nil, fmt.Errorf("page %d overflows past the file's last page", id)
	}
	for i := id; i <= id+overflow; i++ {
		if w.seen[i] {
			return nil, fmt.Errorf("page %d is referenced twice (a loop in the tree?)", i)
		}
		w.seen[i] = true
	}
	return w.file[off : off+(overflow+1)*w.size], nil
}

// tree checks page p and everything below it; its keys must lie in
// [lo, hi) (nil: unbounded).
func (w *pageWalk) tree(p []byte, lo, hi []byte) error {
	if len(p) < pageHeader {
		return errors.New("a page shorter than its header")
	}
	flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if pageHeader+count*elementSize > len(p) {
		return fmt.Errorf("page %d: %d elements do not fit it", le.Uint64(p), count)
	}
	if flags != branchPageFlag && flags != leafPageFlag {
		return fmt.Errorf("page %d: type %#x is neither a branch nor a leaf", le.Uint64(p), flags)
	}
	prev := lo
	for i := range count {
		e := pageHeader + i*elementSize
		key, val, err := element(p, e, flags == branchPageFlag)
		if err != nil {
			return fmt.Errorf("page %d element %d: %w", le.Uint64(p), i, err)
		}
		if prev != nil && bytes.Compare(key, prev) < 0 || i > 0 && bytes.Equal(key, prev) || hi != nil && bytes.Compare(key, hi) >= 0 {
			return fmt.Errorf("page %d element %d: its key is out of order", le.Uint64(p), i)
		}
		prev = key
		if err := w.below(p, e, flags, key, val, i, count, hi); err != nil {
			return err
		}
	}
	return nil
}

// below checks what an element points to: a branch element's child page,
// or a leaf element's bucket.
func (w *pageWalk) below(p []byte, e int, flags uint16, key, val []byte, i, count int, hi []byte) error {
	if flags == branchPageFlag {
		next := hi
		if i+1 < count {
			next, _, _ = element(p, e+elementSize, true)
		}
		child, err := w.page(le.Uint64(p[e+8:]))
		if err != nil {
			return err
		}
		return w.tree(child, key, next)
	}
	if le.Uint32(p[e:])&bucketLeafFlag == 0 {
		return nil
	}
	if len(val) < bucketHeader {
		return fmt.Errorf("bucket %q: its header is cut short", key)
	}
	if root := le.Uint64(val); root != 0 {
		child, err := w.page(root)
		if err != nil {
			return fmt.Errorf("bucket %q: %w", key, err)
		}
		return w.tree(child, nil, nil)
	}
	return w.tree(val[bucketHeader:], nil, nil)
}

// element returns the key and (for a leaf) the value of the element at e,
// or an error when they would lie outside the page.
func element(p []byte, e int, branch bool) (key, val []byte, err error) {
	pos, ksize, vsize := uint64(le.Uint32(p[e+4:])), uint64(le.Uint32(p[e+8:])), uint64(le.Uint32(p[e+12:]))
	if branch {
		pos, ksize, vsize = uint64(le.Uint32(p[e:])), uint64(le.Uint32(p[e+4:])), 0
	}
	start := uint64(e) + pos
	if start+ksize+vsize > uint64(len(p)) {
		return nil, nil, errors.New("its key or value lies outside the page")
	}
	return p[start : start+ksize], p[start+ksize : start+ksize+vsize], nil
}
