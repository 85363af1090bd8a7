// Package deploy_test checks the install paths README's "Deploy" section
// describes: the binary scripts/build.sh makes (the Dockerfile's and every
// release's), the Dockerfile's shape, the Compose file and the systemd unit,
// with the real validators where the machine has them.
package deploy_test

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestBuild_static builds bot as the Dockerfile does (scripts/build.sh:
// CGO_ENABLED=0, -trimpath, version stamped), checks it needs no dynamic
// loader, and runs `bot version` and `bot demo --script` from it with an
// empty environment, as a container would.
func TestBuild_static(t *testing.T) {
	if os.Getenv("VTRBOT_TEST_BUILD") == "" {
		t.Skip("VTRBOT_TEST_BUILD not set: skipping the release build (.ci/run sets it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bot")
	build := exec.CommandContext(t.Context(), "bash", "../scripts/build.sh", bin)
	build.Env = append(os.Environ(), "VERSION=v9.9.9-test", "COMMIT=0123abcd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("scripts/build.sh: %v\n%s", err, out)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("bot has a %v program header: not a static binary", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("bot links %v", libs)
	}

	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(t.Context(), bin, args...)
		cmd.Dir = dir // no .env here
		cmd.Env = []string{"HOME=" + dir}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	want := "vtrbot v9.9.9-test (commit 0123abcd, " + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	for _, arg := range []string{"version", "--version"} {
		if out, err := run(arg); err != nil || out != want {
			t.Errorf("bot %s = %q, %v; want %q", arg, out, err, want)
		}
	}
	out, err := run("demo", "--script", "--db", filepath.Join(dir, "demo.db"))
	if err != nil {
		t.Fatalf("bot demo --script: %v\n%s", err, out)
	}
	if !strings.Contains(out, "/vtr status") {
		t.Errorf("bot demo --script ran no /vtr status:\n%s", out)
	}
}

// TestRelease packs one platform and checks the archive's contents.
func TestRelease(t *testing.T) {
	if os.Getenv("VTRBOT_TEST_BUILD") == "" {
		t.Skip("VTRBOT_TEST_BUILD not set: skipping the release build (.ci/run sets it)")
	}
	dist := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "bash", "../scripts/release.sh")
	cmd.Env = append(os.Environ(), "VERSION=v9.9.9", "COMMIT=0123abcd", "DIST="+dist, "PLATFORMS=linux/"+runtime.GOARCH)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release.sh: %v\n%s", err, out)
	}
	archive := "vtrbot_9.9.9_linux_" + runtime.GOARCH + ".tar.gz"
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil || !strings.Contains(string(sums), "  "+archive+"\n") {
		t.Errorf("SHA256SUMS = %q, %v; want a line for %s", sums, err, archive)
	}
	list, err := exec.CommandContext(t.Context(), "tar", "-tzf", filepath.Join(dist, archive)).Output()
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSuffix(archive, ".tar.gz")
	for _, f := range []string{"bot", "README.md", ".env.example", "slack-manifest.yml", "deploy/compose.yaml", "deploy/vtrbot.service"} {
		if !slices.Contains(strings.Fields(string(list)), name+"/"+f) {
			t.Errorf("%s lacks %s:\n%s", archive, f, list)
		}
	}
}

// TestDockerfile checks what a docker build would make (no Docker daemon is
// needed): the binary from scripts/build.sh, a non-root user, the database
// on the /data volume.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	inst := map[string][]string{}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		inst[word] = append(inst[word], rest)
		if word == "FROM" {
			froms = append(froms, rest)
		}
	}
	if len(froms) != 2 || !strings.HasPrefix(froms[1], "gcr.io/distroless/static") {
		t.Errorf("FROM %q: want a build stage and a distroless/static final stage", froms)
	}
	if !slices.ContainsFunc(inst["RUN"], func(s string) bool { return strings.Contains(s, "scripts/build.sh") }) {
		t.Errorf("no RUN scripts/build.sh: the image must use the release build's flags")
	}
	users := inst["USER"]
	if len(users) == 0 || regexp.MustCompile(`^(0|root)(:|$)`).MatchString(users[len(users)-1]) {
		t.Errorf("USER %q: want a non-root user", users)
	}
	if !slices.Contains(inst["VOLUME"], "/data") || !slices.Contains(inst["ENV"], "DATABASE_URL=/data/vtrbot.db") {
		t.Errorf("VOLUME %q, ENV %q: want the database on the /data volume", inst["VOLUME"], inst["ENV"])
	}
	ignore, err := os.ReadFile("../.dockerignore")
	if err != nil || !slices.Contains(strings.Fields(string(ignore)), ".env") {
		t.Errorf(".dockerignore must keep .env (secrets) out of the build context")
	}
}

// TestCompose parses deploy/compose.yaml (with `docker compose config` too
// when that exists) and checks the wiring README promises.
func TestCompose(t *testing.T) {
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Every key the file uses, and strict decoding: a misspelt key fails.
	var c struct {
		Name     string `yaml:"name"`
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Restart     string            `yaml:"restart"`
			Command     []string          `yaml:"command"`
			EnvFile     []string          `yaml:"env_file"`
			Ports       []string          `yaml:"ports"`
			StopGrace   string            `yaml:"stop_grace_period"`
			Build       map[string]any    `yaml:"build"`
			Environment map[string]string `yaml:"environment"`
			DependsOn   map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
			Healthcheck map[string]any `yaml:"healthcheck"`
			Volumes     []string       `yaml:"volumes"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	bot, pg := c.Services["vtrbot"], c.Services["postgres"]
	if bot.Build["context"] != ".." || !strings.HasPrefix(pg.Image, "postgres:") {
		t.Errorf("want vtrbot built from the repository and a postgres image, got %+v", c.Services)
	}
	if !strings.HasPrefix(bot.Environment["DATABASE_URL"], "postgres://") || !strings.Contains(bot.Environment["DATABASE_URL"], "@postgres:5432/") {
		t.Errorf("vtrbot DATABASE_URL = %q, want the postgres service", bot.Environment["DATABASE_URL"])
	}
	if bot.DependsOn["postgres"].Condition != "service_healthy" || pg.Healthcheck == nil {
		t.Errorf("vtrbot must wait for a healthy postgres")
	}
	for _, v := range append(bot.Volumes, pg.Volumes...) {
		name, _, _ := strings.Cut(v, ":")
		if _, ok := c.Volumes[name]; !ok {
			t.Errorf("volume %q is not declared", name)
		}
	}
	if _, err := exec.LookPath("docker-compose"); err == nil {
		cmd := exec.CommandContext(t.Context(), "docker-compose", "-f", "compose.yaml", "config", "-q")
		cmd.Env = append(os.Environ(), "POSTGRES_PASSWORD=x")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("docker-compose config: %v\n%s", err, out)
		}
	}
}

// TestSystemdUnit runs systemd-analyze verify (any warning fails) and
// security (the sandbox's exposure score must stay "OK") on
// deploy/vtrbot.service.
func TestSystemdUnit(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("systemd-analyze not installed (apt-get install systemd)")
		}
		t.Skip("systemd-analyze not installed; CI set: this fails instead")
	}
	b, err := os.ReadFile("vtrbot.service")
	if err != nil {
		t.Fatal(err)
	}
	// verify checks ExecStart's binary exists: point it at any executable.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), "vtrbot.service")
	if err := os.WriteFile(unit, bytes.ReplaceAll(b, []byte("ExecStart=/usr/local/bin/bot"), []byte("ExecStart="+exe)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"verify", unit},
		// Exposure 0-100 here (the summary prints it divided by 10):
		// above 20 the sandbox has been loosened.
		{"security", "--offline=yes", "--threshold=20", unit},
	} {
		cmd := exec.CommandContext(t.Context(), "systemd-analyze", args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || (args[0] == "verify" && stderr.Len() > 0) {
			t.Errorf("systemd-analyze %s: %v\n%s%s", args[0], err, stderr.Bytes(), out)
		}
	}
}
