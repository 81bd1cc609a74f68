package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	wire "github.com/tutor-dev/tutor/app/api"
	"github.com/tutor-dev/tutor/server"
)

// The model registry's routes: bundles are published by tutor publish
// (package server/registry); here they are listed, rolled back and
// downloaded.
//
// The HTTP layer links nothing of model/ (see server/teaching's layering
// test), so it reads the few things it needs from a bundle's manifest.json
// itself: the format is in docs/BUNDLES.md, and the end-to-end tests check
// what is served with model/bundle's own Verify.

// The files of a bundle that are not in its manifest's list.
const (
	manifestFile  = "manifest.json"
	signatureFile = "manifest.sig"
)

// servedManifest is what the API reads of a manifest.json: which files it
// may serve with which hashes, and the summary shown to teachers. It comes
// from the store, where only the registry writes it after checking the
// signature.
type servedManifest struct {
	Kind    string             `json:"kind"`
	Metrics map[string]float64 `json:"metrics"`
	Files   map[string]struct {
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
	} `json:"files"`
}

func (m servedManifest) totalSize() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// publicKeyText writes a public key as clients pin it: the 32 key bytes in
// standard base64.
func publicKeyText(pub []byte) string { return base64.StdEncoding.EncodeToString(pub) }

// signatureText is manifest.sig's content: the signature in standard
// base64 and a newline.
func signatureText(sig []byte) []byte {
	return []byte(base64.StdEncoding.EncodeToString(sig) + "\n")
}
func (s *Server) modelRoutes(v1 *echo.Group, authed, staff routeAdder) {
	// The public key is public: scripts and tools may fetch it unsigned in.
	v1.GET("/models/key", s.modelKeyHandler)
	authed.add(http.MethodGet, "/models/current", s.currentModel)
	authed.add(http.MethodGet, "/models/:version/files/:name", s.modelFile)
	authed.add(http.MethodHead, "/models/:version/files/:name", s.modelFile)
	staff.add(http.MethodGet, "/classes/:id/models", s.classModels)
	staff.add(http.MethodPost, "/classes/:id/models/:version/current", s.setCurrentModel)
}

func (s *Server) modelKeyHandler(c echo.Context) error {
	if s.modelKey == nil {
		return server.Errorf(server.EUNAVAILABLE, "This server has no model signing key yet; `tutor serve` makes one in its data folder on start.")
	}
	return c.JSON(http.StatusOK, wire.ModelKey{Algorithm: "ed25519", PublicKey: publicKeyText(s.modelKey)})
}

// modelKeyText is the key as sessions carry it, "" without one.
func (s *Server) modelKeyText() string {
	if s.modelKey == nil {
		return ""
	}
	return publicKeyText(s.modelKey)
}

// currentModel answers the current model of the task named by ?task=
// (gec when absent) of the class named by ?class=ID, or else of the first
// of the caller's classes (by name) that has one of that task.
func (s *Server) currentModel(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	task, err := server.ModelTask(c.QueryParam("task"))
	if err != nil {
		return err
	}
	classes, err := s.modelClasses(c, u)
	if err != nil {
		return err
	}
	b, found, err := s.firstCurrentModel(ctx, classes, task)
	if !found && err == nil && s.classModel != nil {
		// No class of the caller's has one: give the first that can take
		// it the server's own.
		for _, id := range classes {
			ok, perr := s.classModel(ctx, id, task)
			if perr != nil {
				s.log.Error("publishing the server's model for a class", "class", id, "task", task, "err", perr)
				break
			}
			if ok {
				b, found, err = s.firstCurrentModel(ctx, []int64{id}, task)
				break
			}
		}
	}
	if err != nil {
		return err
	}
	if found {
		return c.JSON(http.StatusOK, release(b))
	}
	if len(classes) == 0 {
		return server.Errorf(server.ENOTFOUND, "You are in no class, so there is no class model for you; join a class with its code first.")
	}
	if task == server.TaskGrade {
		return server.Errorf(server.ENOTFOUND, "No grading model has been published for your class yet; until one is, answers are graded on the server (POST /api/v1/grade).")
	}
	return server.Errorf(server.ENOTFOUND, "No model has been published for your class yet; until one is, grammar checking runs on the server (POST /api/v1/check).")
}

// modelClasses lists the classes whose current model the caller asks for:
// the one in ?class=ID if the caller may use it, else all of theirs.
// firstCurrentModel is the current model of task of the first of classes
// that has one.
func (s *Server) firstCurrentModel(ctx context.Context, classes []int64, task string) (server.ModelBundle, bool, error) {
	for _, id := range classes {
		b, err := s.store.CurrentModel(ctx, id, task)
		if server.ErrorCode(err) == server.ENOTFOUND {
			continue
		}
		return b, err == nil, err
	}
	return server.ModelBundle{}, false, nil
}

func (s *Server) modelClasses(c echo.Context, u server.User) ([]int64, error) {
	ctx := c.Request().Context()
	if q := c.QueryParam("class"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			return nil, &server.Error{Code: server.EINVALID, Field: "class", Message: fmt.Sprintf("A class id is a number; %q is not.", q)}
		}
		if ok, err := s.mayUseClass(ctx, u, id); err != nil || !ok {
			return nil, orNotFound(err, "No class %d among yours.", id)
		}
		return []int64{id}, nil
	}
	classes, err := s.visibleClasses(ctx, u)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(classes))
	for i, cl := range classes {
		ids[i] = cl.ID
	}
	return ids, nil
}

// mayUseClass reports whether u may download the class's models: its
// students, its teacher and admins.
func (s *Server) mayUseClass(ctx context.Context, u server.User, classID int64) (bool, error) {
	cl, err := s.store.ClassByID(ctx, classID)
	if server.ErrorCode(err) == server.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch u.Role {
	case server.RoleAdmin:
		return true, nil
	case server.RoleTeacher:
		return cl.TeacherID == u.ID, nil
	}
	joined, err := s.store.ClassesOfStudent(ctx, u.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(joined, func(j server.Class) bool { return j.ID == classID }), nil
}

// orNotFound passes a real error on and turns "not allowed" into the same
// 404 as "missing": nobody learns what other classes have.
func orNotFound(err error, format string, args ...any) error {
	if err != nil {
		return err
	}
	return server.Errorf(server.ENOTFOUND, format, args...)
}

// modelFile serves one file of a bundle to the users of its class, with
// its SHA-256 as ETag and byte ranges, so that a download is resumable and
// a cached file is not sent again.
func (s *Server) modelFile(c echo.Context) error {
	ctx := c.Request().Context()
	version, err := strconv.ParseInt(c.Param("version"), 10, 64)
	if err != nil {
		return server.Errorf(server.EINVALID, "A model version is a number; %q is not.", c.Param("version"))
	}
	notFound := server.Errorf(server.ENOTFOUND, "No model version %d for your classes.", version)
	b, err := s.store.ModelByVersion(ctx, version)
	if server.ErrorCode(err) == server.ENOTFOUND {
		return notFound
	}
	if err != nil {
		return err
	}
	if ok, err := s.mayUseClass(ctx, currentUser(c), b.ClassID); err != nil || !ok {
		return orNotFound(err, "%s", notFound.Message)
	}
	content, sha, err := s.openModelFile(b, c.Param("name"))
	if err != nil {
		return err
	}
	if cl, ok := content.(io.Closer); ok {
		defer cl.Close()
	}
	h := c.Response().Header()
	h.Set("ETag", `"`+sha+`"`)
	// Revalidate with the ETag rather than keep nothing (the API's default).
	h.Set("Cache-Control", "private, no-cache")
	h.Set(echo.HeaderContentType, contentType(c.Param("name")))
	http.ServeContent(c.Response(), c.Request(), c.Param("name"), b.CreatedAt, content)
	return nil
}

// openModelFile returns a bundle file's content and SHA-256. manifest.json
// and manifest.sig come from the store; the model's files from the
// bundle's folder, and only names its signed manifest lists.
func (s *Server) openModelFile(b server.ModelBundle, name string) (io.ReadSeeker, string, error) {
	switch name {
	case manifestFile:
		return bytes.NewReader(b.Manifest), sha256Hex(b.Manifest), nil
	case signatureFile:
		sig := signatureText(b.Signature)
		return bytes.NewReader(sig), sha256Hex(sig), nil
	}
	var m servedManifest
	if err := json.Unmarshal(b.Manifest, &m); err != nil {
		return nil, "", fmt.Errorf("model %d: stored manifest: %w", b.Version, err)
	}
	f, listed := m.Files[name]
	if !listed || filepath.Base(name) != name {
		return nil, "", server.Errorf(server.ENOTFOUND, "Model version %d has no file %q; its manifest.json lists its files.", b.Version, name)
	}
	file, err := os.Open(filepath.Join(b.Dir, name))
	if err != nil {
		s.log.Error("model file missing on disk", "version", b.Version, "file", name, "err", err)
		return nil, "", server.Errorf(server.EINTERNAL, "A file of model version %d is missing on the server; the teacher should publish the model again.", b.Version)
	}
	return file, f.SHA256, nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func contentType(name string) string {
	if filepath.Ext(name) == ".json" {
		return echo.MIMEApplicationJSON
	}
	return echo.MIMEOctetStream
}

// classModels lists a class's bundles of every task, newest first, for
// its teacher; each task's current one is marked.
func (s *Server) classModels(c echo.Context) error {
	cl, err := s.ownedClass(c)
	if err != nil {
		return err
	}
	list, err := s.store.ClassModels(c.Request().Context(), cl.ID)
	if err != nil {
		return err
	}
	out := make([]wire.ModelRelease, len(list))
	for i, b := range list {
		out[i] = release(b)
	}
	return c.JSON(http.StatusOK, out)
}

// setCurrentModel makes one of the class's versions the current model of
// its task: the undo of a publish, or a redo. The class's current model of
// the other task stays. Learners get it at their next sync.
func (s *Server) setCurrentModel(c echo.Context) error {
	cl, err := s.ownedClass(c)
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(c.Param("version"), 10, 64)
	if err != nil {
		return server.Errorf(server.EINVALID, "A model version is a number; %q is not.", c.Param("version"))
	}
	ctx := c.Request().Context()
	if err := s.store.SetCurrentModel(ctx, cl.ID, version); err != nil {
		return err
	}
	b, err := s.store.ModelByVersion(ctx, version)
	if err != nil {
		return err
	}
	s.log.Info("class model switched", "class", cl.ID, "task", b.Task, "version", version, "by", currentUser(c).Username)
	return c.JSON(http.StatusOK, release(b))
}

// release is a bundle as the API shows it. Task is the store's, which is
// the manifest's with "gec" for a manifest that names none.
func release(b server.ModelBundle) wire.ModelRelease {
	r := wire.ModelRelease{Version: b.Version, ClassID: b.ClassID, Task: b.Task, Parent: b.Parent, Current: b.Current,
		CreatedAt: b.CreatedAt, Manifest: b.Manifest, Signature: b.Signature,
		FilesURL: fmt.Sprintf("/api/v1/models/%d/files/", b.Version)}
	var m servedManifest
	if json.Unmarshal(b.Manifest, &m) == nil {
		r.Kind, r.Metrics, r.Size = m.Kind, m.Metrics, m.totalSize()
	}
	return r
}
