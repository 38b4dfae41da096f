package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	pkgName = "@pydantic/genai-prices"
	// pinnedVersion and pinnedIntegrity are the release the committed catalog was made
	// from. Bumping the version needs the new integrity from `npm view PKG@V dist.integrity`.
	pinnedVersion   = "0.1.8"
	pinnedIntegrity = "sha512-h7CYw6qTyflG2zUndO8tXyL8Xopf+tX9JZu13h0ZFgeyYj+J2gm1edR4+R+mbQ2vPdkFjtTmmmu1cYQPM5/KTA=="
	homepage        = "https://github.com/pydantic/genai-prices"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	version := flag.String("version", pinnedVersion, "package version")
	integrity := flag.String("integrity", "", "expected sha512 integrity (default: the pinned one for the pinned version)")
	tarball := flag.String("tarball", "", "use this .tgz instead of running npm pack")
	checkRegistry := flag.Bool("check-registry", true, "also compare the integrity with `npm view`")
	out := flag.String("out", "catalog.json", "output catalog")
	licenseOut := flag.String("license-out", "LICENSE.genai-prices", "where to copy the package licence")
	node := flag.String("node", "node", "node binary")
	flag.Parse()

	want := *integrity
	if want == "" {
		if *version != pinnedVersion {
			log.Fatalf("version %s is not the pinned %s: pass -integrity", *version, pinnedVersion)
		}
		want = pinnedIntegrity
	}
	if err := run(*version, want, *tarball, *checkRegistry, *out, *licenseOut, *node); err != nil {
		log.Fatal(err)
	}
}

func run(version, want, tarball string, checkRegistry bool, out, licenseOut, node string) error {
	spec := pkgName + "@" + version
	if checkRegistry {
		got, err := exec.Command("npm", "view", spec, "dist.integrity").Output()
		if err != nil {
			return fmt.Errorf("npm view %s: %w", spec, err)
		}
		if reg := strings.TrimSpace(string(got)); reg != want {
			return fmt.Errorf("registry integrity of %s is %q, expected %q", spec, reg, want)
		}
	}
	tmp, err := os.MkdirTemp("", "muninn-prices-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if tarball == "" {
		cmd := exec.Command("npm", "pack", spec, "--pack-destination", tmp, "--silent")
		cmd.Stderr = os.Stderr
		name, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack %s: %w", spec, err)
		}
		tarball = filepath.Join(tmp, strings.TrimSpace(lastLine(string(name))))
	}
	tgz, err := os.ReadFile(tarball)
	if err != nil {
		return fmt.Errorf("read tarball: %w", err)
	}
	sum := sha512.Sum512(tgz)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("tarball integrity %s, expected %s", got, want)
	}
	files, err := untar(tgz, "package/LICENSE", "package/dist/index.js", "package/package.json")
	if err != nil {
		return err
	}
	license := files["package/LICENSE"]
	if !bytes.Contains(license, []byte("The MIT License")) && !bytes.Contains(license, []byte("MIT License")) {
		return fmt.Errorf("package licence is not MIT:\n%s", license)
	}
	if !bytes.Contains(files["package/package.json"], []byte(`"version": "`+version+`"`)) {
		return fmt.Errorf("tarball is not version %s", version)
	}
	js := filepath.Join(tmp, "index.js")
	if err := os.WriteFile(js, files["package/dist/index.js"], 0o600); err != nil {
		return err
	}
	raw, err := dumpData(node, js)
	if err != nil {
		return err
	}
	cat, warnings, err := convert(raw)
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	for _, w := range warnings {
		log.Print("warning: ", w)
	}
	cat.Source.Package = pkgName
	cat.Source.Version = version
	cat.Source.Integrity = want
	cat.Source.License = "MIT"
	cat.Source.Homepage = homepage
	data, err := encode(cat)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	attribution := fmt.Sprintf("The price data in catalog.json is derived from %s %s\n(%s), distributed under the MIT License below.\n\n", pkgName, version, homepage)
	if err := os.WriteFile(licenseOut, append([]byte(attribution), license...), 0o644); err != nil {
		return err
	}
	n := 0
	for _, p := range cat.Providers {
		n += len(p.Models)
	}
	log.Printf("wrote %s: %d providers, %d models (%d bytes)", out, len(cat.Providers), n, len(data))
	return nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func untar(tgz []byte, names ...string) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("tarball: %w", err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	got := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("tarball: %w", err)
		}
		if want[h.Name] {
			b, err := io.ReadAll(io.LimitReader(tr, 64<<20))
			if err != nil {
				return nil, fmt.Errorf("tarball %s: %w", h.Name, err)
			}
			got[h.Name] = b
		}
	}
	for _, n := range names {
		if _, ok := got[n]; !ok {
			return nil, fmt.Errorf("tarball has no %s", n)
		}
	}
	return got, nil
}

// dumpScript evaluates the data literals at the top of the bundle (`const E = [...],
// J = {...};`: the providers and the unit table) in an empty VM context, so no code of
// the package runs with access to Node's APIs, and prints them as JSON.
const dumpScript = `
const fs = require('node:fs');
const vm = require('node:vm');
const src = fs.readFileSync(process.env.GENAI_PRICES_JS, 'utf8');
const start = src.indexOf('const E = [');
const mid = src.indexOf('\n], J = {');
const end = src.indexOf('\n};\n', mid);
if (start !== 0 || mid < 0 || end < 0) { console.error('unexpected bundle layout'); process.exit(2); }
const ctx = {};
vm.runInNewContext('var ' + src.slice(start + 6, end + 3) + '; out = JSON.stringify({providers: E, units: J});', ctx);
process.stdout.write(ctx.out);
`

func dumpData(node, js string) ([]byte, error) {
	cmd := exec.Command(node, "-e", dumpScript)
	cmd.Env = append(os.Environ(), "GENAI_PRICES_JS="+js)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("evaluate bundled data with node: %w", err)
	}
	return out, nil
}
