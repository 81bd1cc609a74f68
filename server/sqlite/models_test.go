package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/tutor-dev/tutor/server"
)

func bundleRow(version, class, parent int64) server.ModelBundle {
	return server.ModelBundle{Version: version, ClassID: class, Parent: parent,
		Manifest:  []byte(fmt.Sprintf(`{"version": %d}`, version)),
		Signature: bytes.Repeat([]byte{byte(version)}, 64), Dir: fmt.Sprintf("/srv/data/models/%d", version)}
}

func mustAddModel(t *testing.T, db *DB, b server.ModelBundle) server.ModelBundle {
	t.Helper()
	if err := db.AddModel(context.Background(), &b); err != nil {
		t.Fatalf("AddModel(%d): %v", b.Version, err)
	}
	return b
}

func TestModelsPublishAndRollBack(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	ana := mustCreateUser(t, db, "ana", server.RoleTeacher)
	a := mustCreateClass(t, db, "A", "AAAA11", ana.ID)
	b := mustCreateClass(t, db, "B", "BBBB22", ana.ID)

	if v, err := db.LastModelVersion(ctx); v != 0 || err != nil {
		t.Fatalf("LastModelVersion of a new database = %d, %v", v, err)
	}
	_, err := db.CurrentModel(ctx, a.ID)
	wantCode(t, err, server.ENOTFOUND)

	v1 := mustAddModel(t, db, bundleRow(1, a.ID, 0))
	if !v1.Current || !v1.CreatedAt.Equal(start) {
		t.Errorf("AddModel did not set Current and CreatedAt: %+v", v1)
	}
	mustAddModel(t, db, bundleRow(2, b.ID, 0))
	mustAddModel(t, db, bundleRow(3, a.ID, 1))

	cur, err := db.CurrentModel(ctx, a.ID)
	if err != nil || cur.Version != 3 || cur.Parent != 1 || !bytes.Equal(cur.Manifest, []byte(`{"version": 3}`)) ||
		!bytes.Equal(cur.Signature, bytes.Repeat([]byte{3}, 64)) || cur.Dir != "/srv/data/models/3" {
		t.Fatalf("CurrentModel(A) = %+v, %v; want version 3 as stored", cur, err)
	}
	if cur, _ := db.CurrentModel(ctx, b.ID); cur.Version != 2 {
		t.Errorf("CurrentModel(B) = %d, want 2: one class's publish must not touch another's", cur.Version)
	}
	if v, _ := db.LastModelVersion(ctx); v != 3 {
		t.Errorf("LastModelVersion = %d, want 3", v)
	}

	// Roll back to 1, then forward to 3 again.
	if err := db.SetCurrentModel(ctx, a.ID, 1); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, db, a.ID, "3 1*")
	if err := db.SetCurrentModel(ctx, a.ID, 3); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, db, a.ID, "3* 1")
	wantCode(t, db.SetCurrentModel(ctx, a.ID, 2), server.ENOTFOUND) // class B's model
	wantCode(t, db.SetCurrentModel(ctx, a.ID, 99), server.ENOTFOUND)
	wantCode(t, db.SetCurrentModel(ctx, 999, 1), server.ENOTFOUND)
	wantVersions(t, db, a.ID, "3* 1")

	got, err := db.ModelByVersion(ctx, 2)
	if err != nil || got.ClassID != b.ID || !got.Current {
		t.Errorf("ModelByVersion(2) = %+v, %v", got, err)
	}
	_, err = db.ModelByVersion(ctx, 42)
	wantCode(t, err, server.ENOTFOUND)
	_, err = db.ClassModels(ctx, 999)
	wantCode(t, err, server.ENOTFOUND)
}

func TestAddModelRefusals(t *testing.T) {
	ctx := context.Background()
	db, _ := mustOpen(t)
	ana := mustCreateUser(t, db, "ana", server.RoleTeacher)
	a := mustCreateClass(t, db, "A", "AAAA11", ana.ID)
	b := mustCreateClass(t, db, "B", "BBBB22", ana.ID)
	mustAddModel(t, db, bundleRow(1, a.ID, 0))
	mustAddModel(t, db, bundleRow(2, b.ID, 0))

	dup := bundleRow(1, a.ID, 0)
	wantCode(t, db.AddModel(ctx, &dup), server.ECONFLICT)
	missing := bundleRow(3, 999, 0)
	wantCode(t, db.AddModel(ctx, &missing), server.ENOTFOUND)
	for field, b := range map[string]server.ModelBundle{
		"parent":    bundleRow(3, a.ID, 2), // class B's version
		"version":   bundleRow(0, a.ID, 0),
		"signature": func() server.ModelBundle { r := bundleRow(3, a.ID, 1); r.Signature = r.Signature[:10]; return r }(),
		"dir":       func() server.ModelBundle { r := bundleRow(3, a.ID, 1); r.Dir = ""; return r }(),
	} {
		e := wantCode(t, db.AddModel(ctx, &b), server.EINVALID)
		if e.Field != field {
			t.Errorf("refusal names field %q, want %q (%s)", e.Field, field, e.Message)
		}
	}
	// Nothing refused was stored, and the current model did not move.
	wantVersions(t, db, a.ID, "1*")
	if v, _ := db.LastModelVersion(ctx); v != 2 {
		t.Errorf("LastModelVersion = %d after refusals, want 2", v)
	}
}

// wantVersions compares a class's versions, newest first, with the
// current one starred.
func wantVersions(t *testing.T, db *DB, classID int64, want string) {
	t.Helper()
	list, err := db.ClassModels(context.Background(), classID)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	for i, m := range list {
		if i > 0 {
			got.WriteByte(' ')
		}
		fmt.Fprint(&got, m.Version)
		if m.Current {
			got.WriteByte('*')
		}
	}
	if got.String() != want {
		t.Errorf("class %d versions %q, want %q", classID, got.String(), want)
	}
}
