package entitled_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled/i18n"
)

// errorConstructors are the root package's functions that build an
// *entitled.Error from a sentence; each construction must name its
// catalogue message with WithKey.
var errorConstructors = map[string]bool{"Errorf": true, "Invalidf": true, "NotFoundf": true, "Forbiddenf": true, "Conflictf": true}

// keyedByCaller is the directive of a helper that builds an *Error its
// callers key: calls of the helper count as constructions.
const keyedByCaller = "i18n:keyed-by-caller"

// errKeyRE is what a key of the API error messages looks like.
var errKeyRE = regexp.MustCompile(`^err\.[a-z]+\.[A-Za-z]+$`)

// goFile is one parsed non-test Go file of the module.
type goFile struct {
	rel    string
	f      *ast.File
	fset   *token.FileSet
	parent map[ast.Node]ast.Node
}

// moduleFiles parses every non-test Go file of the module.
func moduleFiles(t *testing.T) []*goFile {
	t.Helper()
	var out []*goFile
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		g := &goFile{rel: filepath.ToSlash(p), f: f, fset: fset, parent: map[ast.Node]ast.Node{}}
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			if len(stack) > 0 {
				g.parent[n] = stack[len(stack)-1]
			}
			stack = append(stack, n)
			return true
		})
		out = append(out, g)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("found %d Go files; the test must run in the module's root", len(out))
	}
	return out
}

// keyedByCallerHelpers are the names of the functions marked with the
// keyedByCaller directive.
func keyedByCallerHelpers(files []*goFile) map[string]bool {
	out := map[string]bool{}
	for _, g := range files {
		for _, d := range g.f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Doc == nil {
				continue
			}
			for _, c := range fd.Doc.List {
				if strings.TrimPrefix(c.Text, "//") == keyedByCaller {
					out[fd.Name.Name] = true
				}
			}
		}
	}
	return out
}

// withKeyCall is the WithKey call chained on n ((&Error{…}).WithKey(…),
// Invalidf(…).WithKey(…)), or nil.
func (g *goFile) withKeyCall(n ast.Node) *ast.CallExpr {
	p := g.parent[n]
	for {
		switch x := p.(type) {
		case *ast.ParenExpr, *ast.UnaryExpr:
			p = g.parent[x]
			continue
		}
		break
	}
	se, ok := p.(*ast.SelectorExpr)
	if !ok || se.Sel.Name != "WithKey" {
		return nil
	}
	call, _ := g.parent[se].(*ast.CallExpr)
	return call
}

// enclosingFunc is the name of the function declaration around n.
func (g *goFile) enclosingFunc(n ast.Node) string {
	for p := g.parent[n]; p != nil; p = g.parent[p] {
		if fd, ok := p.(*ast.FuncDecl); ok {
			return fd.Name.Name
		}
	}
	return ""
}

// TestErrorsHaveMessageKeys: every *entitled.Error a non-test Go file
// builds — a call of Errorf, Invalidf, NotFoundf, Forbiddenf, Conflictf or
// of a helper marked //i18n:keyed-by-caller, or an Error literal — names
// its catalogue message with WithKey (the one way; a literal's MessageKey
// only carries over the key of another error), so that its message reaches
// French readers in French. Exempt: the constructors
// themselves, helpers marked keyed-by-caller (their callers key them), and
// Stale errors (internal signals of the delivery engine no person reads).
// A literal key must be in the catalogue, and the placeholders its message
// uses must be among the names WithKey passes.
func TestErrorsHaveMessageKeys(t *testing.T) {
	files := moduleFiles(t)
	helpers := keyedByCallerHelpers(files)
	if len(helpers) == 0 {
		t.Fatal("no //i18n:keyed-by-caller helper found; the directive changed?")
	}
	var missing []string
	constructions := 0
	for _, g := range files {
		root := g.f.Name.Name == "entitled"
		at := func(n ast.Node) string {
			return g.rel + ":" + strconv.Itoa(g.fset.Position(n.Pos()).Line)
		}
		exempt := func(n ast.Node) bool {
			fn := g.enclosingFunc(n)
			return helpers[fn] || (root && g.rel == "error.go")
		}
		check := func(n ast.Node, code ast.Expr) {
			if exempt(n) {
				return
			}
			if code != nil && strings.HasSuffix(exprText(code), "CodeStale") {
				return
			}
			constructions++
			call := g.withKeyCall(n)
			if call == nil {
				missing = append(missing, at(n))
				return
			}
			checkKeyCall(t, at(n), call)
		}
		ast.Inspect(g.f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				name, code := "", ast.Expr(nil)
				switch fn := x.Fun.(type) {
				case *ast.SelectorExpr:
					if id, ok := fn.X.(*ast.Ident); ok && id.Name == "entitled" && errorConstructors[fn.Sel.Name] {
						name = fn.Sel.Name
					} else if helpers[fn.Sel.Name] {
						name = fn.Sel.Name
					}
				case *ast.Ident:
					if helpers[fn.Name] || (root && errorConstructors[fn.Name]) {
						name = fn.Name
					}
				}
				if name == "" {
					return true
				}
				if name == "Errorf" && len(x.Args) > 1 {
					code = x.Args[1]
				}
				check(x, code)
			case *ast.CompositeLit:
				if !isErrorType(x.Type, root) {
					return true
				}
				var code ast.Expr
				for _, el := range x.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					switch kv.Key.(*ast.Ident).Name {
					case "MessageKey":
						if _, lit := kv.Value.(*ast.BasicLit); !lit {
							return true // the key of another error, carried over
						}
					case "Code":
						code = kv.Value
					}
				}
				var node ast.Node = x
				if u, ok := g.parent[x].(*ast.UnaryExpr); ok {
					node = u
				}
				check(node, code)
			case *ast.BasicLit:
				if x.Kind == token.STRING {
					if s, err := strconv.Unquote(x.Value); err == nil && errKeyRE.MatchString(s) && !i18n.Defined(s) {
						t.Errorf("%s: key %s is not in the catalogue (i18n/locales/en.toml)", at(x), s)
					}
				}
			}
			return true
		})
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("%s: an *entitled.Error without a message key: chain .WithKey(\"err.area.name\", \"Name\", value, …) and add the key to i18n/locales/en.toml and fr.toml", m)
	}
	if constructions < 250 {
		t.Errorf("found %d error constructions; the scan missed them", constructions)
	}
}

// checkKeyCall checks a WithKey call whose key is a literal: the key is in
// the catalogue and its message, in every language, renders with the
// names the call passes.
func checkKeyCall(t *testing.T, at string, call *ast.CallExpr) {
	t.Helper()
	if len(call.Args) == 0 {
		t.Errorf("%s: WithKey without a key", at)
		return
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok {
		return // a helper's key parameter, checked where it is a literal
	}
	key, _ := strconv.Unquote(lit.Value)
	if !i18n.Defined(key) {
		t.Errorf("%s: key %s is not in the catalogue (i18n/locales/en.toml)", at, key)
		return
	}
	var args []i18n.Arg
	for i := 1; i+1 < len(call.Args); i += 2 {
		name, ok := call.Args[i].(*ast.BasicLit)
		if !ok {
			return // names built at run time
		}
		n, _ := strconv.Unquote(name.Value)
		if n == i18n.CountName {
			args = append(args, i18n.N(2))
		} else {
			args = append(args, i18n.V(n, "x"))
		}
	}
	if call.Ellipsis.IsValid() {
		return
	}
	for _, lang := range i18n.Languages() {
		if s := i18n.For(lang).T(key, args...); strings.Contains(s, "<no value>") {
			t.Errorf("%s: %s in %s needs a placeholder WithKey does not pass: %q", at, key, lang, s)
		}
	}
}

// isErrorType reports whether a composite literal's type is entitled.Error.
func isErrorType(e ast.Expr, root bool) bool {
	switch t := e.(type) {
	case *ast.SelectorExpr:
		id, ok := t.X.(*ast.Ident)
		return ok && id.Name == "entitled" && t.Sel.Name == "Error"
	case *ast.Ident:
		return root && t.Name == "Error"
	}
	return false
}

// exprText is a short source form of an identifier or selector.
func exprText(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprText(x.X) + "." + x.Sel.Name
	}
	return ""
}
