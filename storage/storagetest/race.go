package storagetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imagestreams/imagestreams/storage"
)

func raceTests() []test {
	return []test{
		{"CreateDeleteRace", testCreateDeleteRace},
		{"UpdateRace", testUpdateRace},
	}
}

const (
	racers = 16
	rounds = 20
)

// Racing creates of one key: exactly one wins, the others get ErrExists.
// Racing deletes of it with the winner's resourceVersion: exactly one wins,
// the others get a conflict or ErrNotFound.
func testCreateDeleteRace(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	const key = "/race/a"
	for round := range rounds {
		var mu sync.Mutex
		winners := map[int]int64{}
		race(racers, func(i int) {
			rv, err := s.Create(ctx, key, fmt.Appendf(nil, "round %d racer %d", round, i))
			switch {
			case err == nil:
				mu.Lock()
				winners[i] = rv
				mu.Unlock()
			case !errors.Is(err, storage.ErrExists):
				t.Errorf("round %d: racing Create: %v, want success or ErrExists", round, err)
			}
		})
		if len(winners) != 1 {
			t.Fatalf("round %d: %d racing creates succeeded, want 1", round, len(winners))
		}
		var want storage.Object
		for i, rv := range winners {
			want = obj(key, fmt.Sprintf("round %d racer %d", round, i), rv)
		}
		wantObject(t, s, want)

		deleted := 0
		race(racers, func(i int) {
			rv := want.ResourceVersion
			if i%2 == 1 {
				rv = 0 // half the racers delete unconditionally
			}
			got, err := s.Delete(ctx, key, rv)
			switch {
			case err == nil:
				mu.Lock()
				deleted++
				mu.Unlock()
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("round %d: Delete returned (-want +got):\n%s", round, diff)
				}
			case !errors.Is(err, storage.ErrNotFound) && !errors.Is(err, storage.ErrConflict):
				t.Errorf("round %d: racing Delete: %v, want success, ErrNotFound or ErrConflict", round, err)
			}
		})
		if deleted != 1 {
			t.Fatalf("round %d: %d racing deletes succeeded, want 1", round, deleted)
		}
		wantMissing(t, s, key)
	}
}

// Racing updates from one resourceVersion: exactly one wins, and every
// loser's ConflictError carries the winner's object.
func testUpdateRace(t *testing.T, s storage.Interface) {
	ctx := t.Context()
	const key = "/race/u"
	rv := mustCreate(t, s, key, "start")
	for round := range rounds {
		errs := make([]error, racers)
		rvs := make([]int64, racers)
		race(racers, func(i int) {
			rvs[i], errs[i] = s.Update(ctx, key, fmt.Appendf(nil, "round %d racer %d", round, i), rv)
		})
		var winner storage.Object
		for i, err := range errs {
			if err == nil {
				if winner.Key != "" {
					t.Fatalf("round %d: two racing updates from resourceVersion %d succeeded", round, rv)
				}
				winner = obj(key, fmt.Sprintf("round %d racer %d", round, i), rvs[i])
			}
		}
		if winner.Key == "" {
			t.Fatalf("round %d: no racing update succeeded; errors: %v", round, errs)
		}
		for i, err := range errs {
			if err != nil {
				wantConflict(t, fmt.Sprintf("round %d racer %d", round, i), err, rv, winner)
			}
		}
		wantObject(t, s, winner)
		rv = winner.ResourceVersion
	}
}
