// Package layout holds no code: its test enforces the repository's shape,
// that imports point one way (cmd -> daemon -> its concerns -> checks) and
// that no file or function grows past what a reader can hold.
package layout
