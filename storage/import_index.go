package storage

import (
	"sync"

	"github.com/salesbot/salesbot/sales"
)

// indexWorker writes an import's owner, open, stage, closed and account
// index entries (indexes.updateRest) on a second goroutine, in the order
// the deals come, while the import's goroutine goes on to the next deal:
// at a million deals that work was a second and a half of the deals
// loop's wall time. Only it touches those five buffers until wait returns;
// the external-id index, which the deals loop reads, stays on the import's
// goroutine.
type indexWorker struct {
	ix    indexes
	st    *sales.StageSet
	batch []indexJob
	jobs  chan []indexJob
	free  chan []indexJob
	wg    sync.WaitGroup
	// err is the first failure and the deal it failed on; the worker
	// stops there, as the deals loop would have.
	err    error
	errAt  int
	closed bool
}

type indexJob struct {
	at  int         // the deal's index in the Import
	old *sales.Deal // nil for a new deal
	nd  sales.Deal
	rec []byte
}

const indexBatch = 512

func newIndexWorker(ix indexes, st *sales.StageSet) *indexWorker {
	w := &indexWorker{ix: ix, st: st, jobs: make(chan []indexJob, 4), free: make(chan []indexJob, 6)}
	w.wg.Go(func() {
		for b := range w.jobs {
			for j := range b {
				if w.err != nil {
					break
				}
				job := &b[j]
				if err := w.ix.updateRest(job.old, &job.nd, job.rec, w.st); err != nil {
					w.err, w.errAt = err, job.at
				}
			}
			clear(b) // drop the records it held
			select {
			case w.free <- b[:0]:
			default:
			}
		}
	})
	return w
}

// add queues the index update of deal at (old nil for a new deal).
func (w *indexWorker) add(at int, old, nd *sales.Deal, rec []byte) {
	if w.batch == nil {
		select {
		case w.batch = <-w.free:
		default:
			w.batch = make([]indexJob, 0, indexBatch)
		}
	}
	w.batch = append(w.batch, indexJob{at: at, nd: *nd, rec: rec})
	if old != nil {
		o := *old // the caller's may change
		w.batch[len(w.batch)-1].old = &o
	}
	if len(w.batch) == indexBatch {
		w.jobs <- w.batch
		w.batch = nil
	}
}

// wait hands over the last batch, waits until every queued update is
// written and returns the first failure with its deal. It may be called
// more than once.
func (w *indexWorker) wait() (at int, err error) {
	if !w.closed {
		if len(w.batch) > 0 {
			w.jobs <- w.batch
			w.batch = nil
		}
		close(w.jobs)
		w.closed = true
		w.wg.Wait()
	}
	return w.errAt, w.err
}

// updateIndexes is indexes.update, or with an index worker its external-id
// part here and the rest queued.
func (w dealWriter) updateIndexes(old, nd *sales.Deal, rec []byte, st *sales.StageSet) error {
	if w.async == nil {
		return w.ix.update(old, nd, rec, st)
	}
	if err := w.ix.updateExt(old, nd); err != nil {
		return err
	}
	w.async.add(*w.at, old, nd, rec)
	return nil
}
