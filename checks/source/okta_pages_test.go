package source

import (
	"context"
	"fmt"
	"testing"
)

// Okta pages trusted origins (20 by default, 200 at most), app group
// assignments (20/200) and groups (spec limit parameters); the readers ask
// for 200 and follow Link rel="next" until Okta stops sending one.

func TestAllThreeHundredTrustedOriginsAreReadAcrossPages(t *testing.T) {
	sim, r := startSim(t)
	for i := range 300 {
		if _, err := sim.AddTrustedOrigin(fmt.Sprintf("o%03d", i), fmt.Sprintf("https://o%03d.acme.test", i), "CORS"); err != nil {
			t.Fatal(err)
		}
	}
	sim.ResetCounts()
	got, err := r.TrustedOrigins(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Origins) != 300 {
		t.Fatalf("read %d trusted origins, want 300", len(got.Origins))
	}
	seen := map[string]bool{}
	for _, o := range got.Origins {
		seen[o.Origin] = true
	}
	if len(seen) != 300 {
		t.Fatalf("read %d distinct origins, want 300 (a page was read twice)", len(seen))
	}
	if n := sim.Count("/api/v1/trustedOrigins"); n != 2 {
		t.Errorf("%d requests for 300 origins, want 2 pages of 200", n)
	}
}

func TestAllTwoHundredFiftyAssignedGroupsAreReadAcrossPages(t *testing.T) {
	sim, r := startSim(t)
	var want []string
	for i := range 250 {
		g, err := sim.AddGroup(fmt.Sprintf("g%03d", i), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := sim.AssignGroup("0oa1", g.ID, int64(i)); err != nil {
			t.Fatal(err)
		}
		want = append(want, g.ID)
	}
	sim.ResetCounts()
	got, err := r.AppGroups(context.Background(), "0oa1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 {
		t.Fatalf("read %d assigned groups, want 250", len(got))
	}
	for i, g := range got {
		if g.ID != want[i] {
			t.Fatalf("assignment %d is %s, want %s (in priority order)", i, g.ID, want[i])
		}
	}
	if n := sim.Count("/api/v1/apps/0oa1/groups"); n != 2 {
		t.Errorf("%d requests for 250 assignments, want 2 pages of 200", n)
	}
}

func TestAGroupIsFoundByNameAmongTwoHundredFifty(t *testing.T) {
	sim, r := startSim(t)
	var id string
	for i := range 250 {
		g, err := sim.AddGroup(fmt.Sprintf("team %03d", i), "")
		if err != nil {
			t.Fatal(err)
		}
		if i == 249 {
			id = g.ID
		}
	}
	got, err := r.ResolveGroup(context.Background(), "team 249")
	if err != nil || got != id {
		t.Fatalf("ResolveGroup(team 249) = %q, %v; want %s", got, err, id)
	}
}
