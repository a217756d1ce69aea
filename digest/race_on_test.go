//go:build race

package digest_test

// raceEnabled: the race detector slows these tests about tenfold, so the
// property tests draw fewer worlds under it.
const raceEnabled = true
