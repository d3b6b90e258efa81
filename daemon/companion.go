package daemon

import "github.com/driftd/driftd/checks/source"

// Companion is a program of driftd's own shipped beside driftd
// (source.Companion): the command line finds driftd-demo with it, by the
// rules driftd-helm-render is found with, without reading checks/source.
type Companion = source.Companion

// ErrCompanionNotFound is what a Companion's Find wraps when it is
// nowhere (source.ErrCompanionNotFound).
var ErrCompanionNotFound = source.ErrCompanionNotFound
