package daemon

// counts returns the runs holding a slot and the runs waiting for one (the
// tests' view of the queue; the daemon itself never needs the numbers).
func (s *runSlots) counts() (busy, waiting int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.busy, len(s.waiting) + len(s.urgent)
}
