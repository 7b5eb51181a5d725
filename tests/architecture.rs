//! Guards of the workspace's architecture, read from the code and from `cargo metadata`:
//!
//! - **no module imports another in a circle**, in any crate of the workspace (libraries,
//!   examples, tests, benches);
//! - **`valghalla-core` stays pure**: without its `testkit` feature it depends on no database
//!   crate and no async runtime.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use proc_macro2::{TokenStream, TokenTree};
use serde_json::Value;
use syn::visit::Visit;

/// `cargo metadata` of the workspace, for this machine's platform.
fn metadata() -> Value {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

fn workspace_packages(meta: &Value) -> Vec<&Value> {
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()
        .expect("workspace_members")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| p["id"].as_str().is_some_and(|id| members.contains(id)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// valghalla-core's purity
// ---------------------------------------------------------------------------------------------

/// Crates that talk to a database.
fn is_database_crate(name: &str) -> bool {
    name.starts_with("sqlx")
        || name.contains("sqlite")
        || name.contains("postgres")
        || name.starts_with("diesel")
        || name.starts_with("sea-orm")
        || name.starts_with("mysql")
        || matches!(name, "redis" | "mongodb" | "sled" | "rocksdb" | "duckdb")
}

/// Crates that are (or start) an async runtime.
fn is_async_runtime(name: &str) -> bool {
    matches!(
        name,
        "tokio"
            | "async-std"
            | "smol"
            | "async-executor"
            | "async-global-executor"
            | "actix-rt"
            | "glommio"
            | "monoio"
    )
}

/// Every package `valghalla-core` builds on with `features` of its own (besides those on by
/// default, of which it has none): its normal dependencies, the optional ones those features
/// turn on, and everything they depend on. Features of shared dependencies are those the whole
/// workspace resolves, so the set is never smaller than the real one.
fn core_dependencies(meta: &Value, features: &[&str]) -> BTreeSet<String> {
    let core = workspace_packages(meta)
        .into_iter()
        .find(|p| p["name"] == "valghalla-core")
        .expect("valghalla-core is a workspace member");
    let mut enabled: BTreeSet<String> = BTreeSet::new();
    for feature in features {
        for item in core["features"][*feature].as_array().into_iter().flatten() {
            if let Some(dep) = item.as_str().and_then(|s| s.strip_prefix("dep:")) {
                enabled.insert(dep.to_owned());
            }
        }
    }
    let direct: BTreeSet<String> = core["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter(|d| d["kind"].is_null())
        .filter(|d| {
            d["optional"] == false || d["name"].as_str().is_some_and(|n| enabled.contains(n))
        })
        .filter_map(|d| d["name"].as_str().map(str::to_owned))
        .collect();

    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .expect("resolve")
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let name_of = |id: &str| -> String {
        meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["id"] == id)
            .and_then(|p| p["name"].as_str())
            .unwrap_or(id)
            .to_owned()
    };
    let normal_deps = |id: &str| -> Vec<(String, String)> {
        nodes
            .get(id)
            .and_then(|n| n["deps"].as_array())
            .into_iter()
            .flatten()
            .filter(|d| {
                d["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k["kind"].is_null())
            })
            .filter_map(|d| Some((d["pkg"].as_str()?.to_owned(), name_of(d["pkg"].as_str()?))))
            .collect()
    };

    let core_id = core["id"].as_str().expect("id");
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut todo: Vec<String> = normal_deps(core_id)
        .into_iter()
        .filter(|(_, name)| direct.contains(name))
        .map(|(id, _)| id)
        .collect();
    while let Some(id) = todo.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        names.insert(name_of(&id));
        todo.extend(normal_deps(&id).into_iter().map(|(id, _)| id));
    }
    names
}

#[test]
fn valghalla_core_depends_on_no_database_crate_and_no_async_runtime() {
    let meta = metadata();
    let deps = core_dependencies(&meta, &["xlsx"]);
    assert!(
        deps.contains("chrono") && deps.contains("serde"),
        "the dependency walk found the core's dependencies: {deps:?}"
    );
    let impure: Vec<&String> = deps
        .iter()
        .filter(|d| is_database_crate(d) || is_async_runtime(d))
        .collect();
    assert!(
        impure.is_empty(),
        "valghalla-core (without `testkit`) must not depend on a database crate or an async \
         runtime; it does on {impure:?}"
    );
    // The check sees a runtime where there is one: the testkit brings tokio.
    assert!(core_dependencies(&meta, &["xlsx", "testkit"]).contains("tokio"));
}

// ---------------------------------------------------------------------------------------------
// Module circles
// ---------------------------------------------------------------------------------------------

/// One module of a crate.
#[derive(Debug, Default)]
struct Module {
    /// Its path from the crate root (`["service", "tx"]`; the root is empty).
    path: Vec<String>,
    /// Its child modules by name.
    children: BTreeMap<String, usize>,
    /// Names its `use` items bring in (private or re-exported), with the absolute paths they
    /// stand for: another module may reach an item through them (`super::Name`).
    names: BTreeMap<String, Vec<String>>,
    /// Paths this module uses (absolute, from the crate root), from its `use` items (not
    /// re-exports: a `pub use` is the module's face, not what it depends on) and its code.
    uses: Vec<Vec<String>>,
}

/// A crate's modules; the root is the first.
#[derive(Debug, Default)]
struct Crate {
    name: String,
    modules: Vec<Module>,
}

/// A `use` tree flattened into (path, the name it binds or `None` for a glob).
fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                out.push((prefix.clone(), prefix.last().cloned()));
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                out.push((path, Some(name)));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            let name = r.ident.to_string();
            if name != "self" {
                path.push(name);
            }
            out.push((path, Some(r.rename.to_string())));
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), None)),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix, out);
            }
        }
    }
}

/// Whether an item is compiled only for the crate's own unit tests (`#[cfg(test)]`).
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|id| id == "test")
    })
}

fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn item_attrs(item: &syn::Item) -> Option<&[syn::Attribute]> {
    Some(match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => return None,
    })
}

/// Collects the paths a module's code names (`crate::…`, `super::…`, `self::…`, `child::…`),
/// as written, relative to the module. Macro bodies are read as tokens.
#[derive(Default)]
struct PathCollector {
    paths: Vec<Vec<String>>,
}

impl PathCollector {
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) => {
                    let after_dollar =
                        i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                    let mut path = vec![id.to_string()];
                    let mut j = i + 1;
                    let colon = |k: usize| matches!(trees.get(k), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                    while colon(j) && colon(j + 1) {
                        let Some(TokenTree::Ident(next)) = trees.get(j + 2) else {
                            break;
                        };
                        path.push(next.to_string());
                        j += 3;
                    }
                    if path.len() > 1 && !after_dollar {
                        self.paths.push(path);
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for PathCollector {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() && path.segments.len() > 1 {
            self.paths
                .push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }

    // Use items are read separately; nested modules are modules of their own.
    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}
    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {}
}

/// A module's use items and paths as written, before resolution.
struct Raw {
    uses: Vec<(Vec<String>, Option<String>, bool)>,
    paths: Vec<Vec<String>>,
}

impl Crate {
    fn read(name: &str, root: &Path) -> Crate {
        let mut krate = Crate {
            name: name.to_owned(),
            modules: Vec::new(),
        };
        let mut raws = Vec::new();
        let file = syn::parse_file(&std::fs::read_to_string(root).expect("read the crate root"))
            .unwrap_or_else(|e| panic!("{}: {e}", root.display()));
        let dir = root.parent().expect("a directory").to_owned();
        krate.add(Vec::new(), &dir, &file.items, &mut raws);
        krate.resolve(raws);
        krate
    }

    /// Adds a module with `items` (written in `file`; its child modules' files are in
    /// `child_dir`), and its children.
    fn add(
        &mut self,
        path: Vec<String>,
        child_dir: &Path,
        items: &[syn::Item],
        raws: &mut Vec<Raw>,
    ) -> usize {
        let index = self.modules.len();
        self.modules.push(Module {
            path: path.clone(),
            ..Module::default()
        });
        let mut raw = Raw {
            uses: Vec::new(),
            paths: Vec::new(),
        };
        // Children are added (and pushed) while this module's items are read: hold its place.
        raws.push(Raw {
            uses: Vec::new(),
            paths: Vec::new(),
        });
        let mut collector = PathCollector::default();
        for item in items {
            // Unit tests use whatever they test and nothing uses them: they cannot close a
            // circle of the code, only make a module look as if it used its own tests' helpers.
            if item_attrs(item).is_some_and(is_test_only) {
                continue;
            }
            match item {
                syn::Item::Use(u) => {
                    let mut flat = Vec::new();
                    flatten_use(&u.tree, &mut Vec::new(), &mut flat);
                    let reexport = !matches!(u.vis, syn::Visibility::Inherited);
                    raw.uses
                        .extend(flat.into_iter().map(|(p, n)| (p, n, reexport)));
                }
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    let mut child_path = path.clone();
                    child_path.push(name.clone());
                    let child = match &m.content {
                        Some((_, items)) => {
                            self.add(child_path, &child_dir.join(&name), items, raws)
                        }
                        None => {
                            let (child_file, grandchild_dir) = match path_attribute(&m.attrs) {
                                Some(p) => {
                                    let f = child_dir.join(p);
                                    let d = f.with_extension("");
                                    (f, d)
                                }
                                None => {
                                    let flat = child_dir.join(format!("{name}.rs"));
                                    if flat.exists() {
                                        (flat, child_dir.join(&name))
                                    } else {
                                        (
                                            child_dir.join(&name).join("mod.rs"),
                                            child_dir.join(&name),
                                        )
                                    }
                                }
                            };
                            let text = std::fs::read_to_string(&child_file)
                                .unwrap_or_else(|e| panic!("{}: {e}", child_file.display()));
                            let parsed = syn::parse_file(&text)
                                .unwrap_or_else(|e| panic!("{}: {e}", child_file.display()));
                            self.add(child_path, &grandchild_dir, &parsed.items, raws)
                        }
                    };
                    self.modules[index].children.insert(name, child);
                }
                other => collector.visit_item(other),
            }
        }
        raw.paths = collector.paths;
        raws[index] = raw;
        index
    }

    /// The module a path names, from module `at`, following `use` names; `None` for a path
    /// outside the crate.
    fn absolute(&self, at: usize, path: &[String]) -> Option<Vec<String>> {
        let here = &self.modules[at];
        let first = path.first()?;
        let mut out = match first.as_str() {
            "crate" => Vec::new(),
            "self" => here.path.clone(),
            "super" => {
                let mut p = here.path.clone();
                p.pop();
                p
            }
            name if here.children.contains_key(name) => {
                let mut p = here.path.clone();
                p.push(name.to_owned());
                p
            }
            _ => return None,
        };
        let mut rest = &path[1..];
        while rest.first().is_some_and(|s| s == "super") {
            out.pop();
            rest = &rest[1..];
        }
        out.extend(rest.iter().cloned());
        Some(out)
    }

    /// The module that defines what an absolute path names, following re-exports.
    fn target(&self, path: &[String], depth: usize) -> usize {
        let mut m = 0;
        for (i, seg) in path.iter().enumerate() {
            if let Some(&child) = self.modules[m].children.get(seg) {
                m = child;
                continue;
            }
            if depth < 16
                && let Some(via) = self.modules[m].names.get(seg)
            {
                let mut next = via.clone();
                next.extend(path[i + 1..].iter().cloned());
                return self.target(&next, depth + 1);
            }
            return m;
        }
        m
    }

    fn resolve(&mut self, raws: Vec<Raw>) {
        // Names first: every module's `use` items, as absolute paths.
        let mut names = Vec::with_capacity(raws.len());
        for (at, raw) in raws.iter().enumerate() {
            let mut map = BTreeMap::new();
            for (path, name, _) in &raw.uses {
                if let (Some(name), Some(abs)) = (name, self.absolute(at, path)) {
                    map.insert(name.clone(), abs);
                }
            }
            names.push(map);
        }
        for (m, map) in names.into_iter().enumerate() {
            self.modules[m].names = map;
        }
        for (at, raw) in raws.into_iter().enumerate() {
            let mut uses = Vec::new();
            for (path, _, reexport) in raw.uses {
                if reexport {
                    continue;
                }
                uses.extend(self.absolute(at, &path));
            }
            for path in raw.paths {
                uses.extend(self.absolute(at, &path));
            }
            self.modules[at].uses = uses;
        }
    }

    /// Every circle: at each module, among the module itself and its children (each with its
    /// descendants), the groups that reach each other through uses. Each circle is listed with
    /// one use per edge, as evidence.
    fn circles(&self) -> Vec<String> {
        let mut found = Vec::new();
        for (p, parent) in self.modules.iter().enumerate() {
            if parent.children.is_empty() {
                continue;
            }
            // Node 0: the parent's own code; node i: child i with its descendants.
            let children: Vec<(&String, usize)> =
                parent.children.iter().map(|(n, &c)| (n, c)).collect();
            let node_of = |m: usize| -> Option<usize> {
                if m == p {
                    return Some(0);
                }
                let path = &self.modules[m].path;
                if path.len() <= parent.path.len() || path[..parent.path.len()] != parent.path[..] {
                    return None;
                }
                let child = &path[parent.path.len()];
                children
                    .iter()
                    .position(|(n, _)| *n == child)
                    .map(|i| i + 1)
            };
            let n = children.len() + 1;
            let mut edges: BTreeMap<(usize, usize), String> = BTreeMap::new();
            for (m, module) in self.modules.iter().enumerate() {
                let Some(from) = node_of(m) else { continue };
                for used in &module.uses {
                    let t = self.target(used, 0);
                    let Some(to) = node_of(t) else { continue };
                    if from != to {
                        edges.entry((from, to)).or_insert_with(|| {
                            format!("{} uses crate::{}", self.show(m), used.join("::"))
                        });
                    }
                }
            }
            // Reachability (the graphs are small).
            let mut reach = vec![vec![false; n]; n];
            for &(a, b) in edges.keys() {
                reach[a][b] = true;
            }
            for k in 0..n {
                for i in 0..n {
                    for j in 0..n {
                        if reach[i][k] && reach[k][j] {
                            reach[i][j] = true;
                        }
                    }
                }
            }
            let mut done = vec![false; n];
            for i in 0..n {
                if done[i] {
                    continue;
                }
                let group: Vec<usize> = (0..n)
                    .filter(|&j| j == i || (reach[i][j] && reach[j][i]))
                    .collect();
                for &j in &group {
                    done[j] = true;
                }
                if group.len() < 2 {
                    continue;
                }
                let label = |node: usize| -> String {
                    if node == 0 {
                        format!("{} (its own code)", self.show(p))
                    } else {
                        self.show(children[node - 1].1)
                    }
                };
                let members: Vec<String> = group.iter().map(|&g| label(g)).collect();
                let evidence: Vec<String> = edges
                    .iter()
                    .filter(|((a, b), _)| group.contains(a) && group.contains(b))
                    .map(|(_, why)| format!("    {why}"))
                    .collect();
                found.push(format!(
                    "{}: {}\n{}",
                    self.name,
                    members.join(" ↔ "),
                    evidence.join("\n")
                ));
            }
        }
        found
    }

    fn show(&self, m: usize) -> String {
        let path = &self.modules[m].path;
        if path.is_empty() {
            "crate".into()
        } else {
            path.join("::")
        }
    }
}

/// Every crate root of the workspace: each target of each member.
fn crate_roots(meta: &Value) -> Vec<(String, PathBuf)> {
    let mut roots = Vec::new();
    for package in workspace_packages(meta) {
        for target in package["targets"].as_array().into_iter().flatten() {
            let kinds: Vec<&str> = target["kind"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if kinds.contains(&"custom-build") {
                continue;
            }
            let (Some(name), Some(src)) = (target["name"].as_str(), target["src_path"].as_str())
            else {
                continue;
            };
            roots.push((
                format!(
                    "{} ({} {name})",
                    package["name"].as_str().unwrap_or("?"),
                    kinds.join("/")
                ),
                PathBuf::from(src),
            ));
        }
    }
    roots
}

#[test]
fn no_module_imports_another_in_a_circle() {
    let meta = metadata();
    let roots = crate_roots(&meta);
    assert!(roots.len() > 5, "found the workspace's crates: {roots:?}");
    let mut circles = Vec::new();
    let mut modules = 0;
    for (name, root) in &roots {
        let krate = Crate::read(name, root);
        modules += krate.modules.len();
        circles.extend(krate.circles());
    }
    assert!(modules > 100, "read the workspace's modules ({modules})");
    assert!(
        circles.is_empty(),
        "{} circle(s) of modules importing each other:\n{}",
        circles.len(),
        circles.join("\n")
    );
}

/// The circle check finds a circle where there is one, through a re-export and a `super::`
/// path, and none in a layered crate.
#[test]
fn the_circle_check_sees_a_circle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("lib.rs", "mod a; mod b; pub use b::Thing;\n");
    write(
        "a.rs",
        "pub struct A; pub fn f() -> crate::Thing { todo!() }\n",
    );
    write("b.rs", "pub struct Thing(super::a::A);\n");
    let circles = Crate::read("test", &dir.path().join("lib.rs")).circles();
    assert_eq!(circles.len(), 1, "{circles:?}");
    assert!(circles[0].contains("a ↔ b"), "{}", circles[0]);

    write("b.rs", "pub struct Thing;\n");
    write(
        "a.rs",
        "use crate::b::Thing; pub fn f() -> Thing { format!(\"{}\", crate::b::Thing); Thing }\n",
    );
    assert!(
        Crate::read("test", &dir.path().join("lib.rs"))
            .circles()
            .is_empty()
    );

    write(
        "b.rs",
        "pub struct Thing; fn g() { let _ = format!(\"{:?}\", crate::a::f()); }\n",
    );
    assert_eq!(
        Crate::read("test", &dir.path().join("lib.rs"))
            .circles()
            .len(),
        1
    );
}
