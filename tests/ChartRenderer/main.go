// chart-render: "helm template" for the chart tests. Helm itself cannot be installed on the CI machines (no
// Debian package, no download), so this renders a chart with the engine Helm uses — Go text/template with the
// sprig functions — plus Helm's own template functions (include, tpl, required, toYaml, fromYaml, lookup), .Files.Get
// and its values rules (values.yaml coalesced with each -f file, null deletes a key, values.schema.json validated with
// gojsonschema). It supports what our chart uses; it is test tooling, not part of the product.
//
// Usage: chart-render <chart-dir> <release> <namespace> [-f values.yaml]...
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"github.com/xeipuuv/gojsonschema"
	"gopkg.in/yaml.v3"
)

func main() {
	if len(os.Args) < 4 {
		fail("usage: chart-render <chart-dir> <release> <namespace> [-f values.yaml]...")
	}
	dir, release, namespace := os.Args[1], os.Args[2], os.Args[3]
	var files []string
	for i := 4; i < len(os.Args); i++ {
		if os.Args[i] == "-f" && i+1 < len(os.Args) {
			files = append(files, os.Args[i+1])
			i++
		} else {
			fail("unknown argument: " + os.Args[i])
		}
	}

	chart := readYaml(filepath.Join(dir, "Chart.yaml"))
	values := readYaml(filepath.Join(dir, "values.yaml"))
	for _, f := range files {
		values = coalesce(values, readYaml(f))
	}
	validate(dir, values)

	root := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart":   map[string]interface{}{"Name": chart["name"], "Version": chart["version"], "AppVersion": chart["appVersion"]},
		"Capabilities": map[string]interface{}{"KubeVersion": map[string]interface{}{"Version": "v1.26.1", "Major": "1", "Minor": "26"}},
		"Files":        chartFiles{dir: dir},
	}

	paths, _ := filepath.Glob(filepath.Join(dir, "templates", "*"))
	sort.Strings(paths)
	t := template.New("chart").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var out bytes.Buffer
		err := t.ExecuteTemplate(&out, name, data)
		return out.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := t.Clone()
		if err != nil {
			return "", err
		}
		parsed, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var out bytes.Buffer
		err = parsed.Execute(&out, data)
		return out.String(), err
	}
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil || value == "" {
			return nil, fmt.Errorf("%s", message)
		}
		return value, nil
	}
	funcs["toYaml"] = func(v interface{}) string {
		var out bytes.Buffer
		encoder := yaml.NewEncoder(&out)
		encoder.SetIndent(2)
		if err := encoder.Encode(v); err != nil {
			return ""
		}
		return strings.TrimSuffix(out.String(), "\n")
	}
	funcs["fromYaml"] = func(text string) map[string]interface{} {
		m := map[string]interface{}{}
		_ = yaml.Unmarshal([]byte(text), &m)
		return m
	}
	// As in "helm template": there is no cluster to look objects up in.
	funcs["lookup"] = func(apiVersion, kind, namespace, name string) map[string]interface{} { return map[string]interface{}{} }
	t.Funcs(funcs)

	var rendered []string
	for _, p := range paths {
		body, err := os.ReadFile(p)
		if err != nil {
			fail(err.Error())
		}
		if _, err := t.New(filepath.Base(p)).Parse(string(body)); err != nil {
			fail(err.Error())
		}
		rendered = append(rendered, filepath.Base(p))
	}
	var out strings.Builder
	for _, name := range rendered {
		if strings.HasPrefix(name, "_") || strings.HasSuffix(name, ".txt") {
			continue
		}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, root); err != nil {
			fail(err.Error())
		}
		for _, doc := range strings.Split(buf.String(), "\n---") {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			out.WriteString("---\n# Source: templates/" + name + "\n" + strings.TrimLeft(doc, "\n") + "\n")
		}
	}
	fmt.Print(out.String())
}

// chartFiles is Helm's .Files: the chart's non-template files, read by path relative to the chart.
type chartFiles struct{ dir string }

// Get returns a file's content, or "" when it does not exist (as Helm does).
func (f chartFiles) Get(name string) string {
	body, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(name)))
	if err != nil {
		return ""
	}
	return string(body)
}

func stripComments(doc string) string {
	var kept []string
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}

func readYaml(path string) map[string]interface{} {
	body, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(body, &m); err != nil {
		fail(path + ": " + err.Error())
	}
	return m
}

// Helm's coalescing: maps merge recursively, anything else from the override wins, null deletes the key.
func coalesce(base, override map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range override {
		if v == nil {
			delete(out, k)
			continue
		}
		if vm, ok := v.(map[string]interface{}); ok {
			if bm, ok := out[k].(map[string]interface{}); ok {
				out[k] = coalesce(bm, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

func validate(dir string, values map[string]interface{}) {
	schema, err := os.ReadFile(filepath.Join(dir, "values.schema.json"))
	if err != nil {
		return
	}
	doc, err := json.Marshal(values)
	if err != nil {
		fail(err.Error())
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(doc))
	if err != nil {
		fail("values.schema.json: " + err.Error())
	}
	if !result.Valid() {
		var problems []string
		for _, e := range result.Errors() {
			problems = append(problems, "- "+e.String())
		}
		fail("values don't meet the specifications of the schema(s):\n" + strings.Join(problems, "\n"))
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "Error: "+message)
	os.Exit(1)
}
