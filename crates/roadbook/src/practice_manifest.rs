//! A practice kit's `Cargo.toml` and `Cargo.lock`: the reference crate's
//! dependencies that the kit's code uses, with the versions and features the
//! reference crate builds with, and the lock file cut down to them, so a kit
//! builds offline once the reference crate has.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use toml::{Table, Value};

use crate::config::ReferenceCrate;

/// What a kit takes from the reference crate's manifests.
#[derive(Debug, Clone)]
pub(crate) struct Manifest {
    package: String,
    edition: String,
    lib_name: String,
    dependencies: BTreeMap<String, Value>,
    dev_dependencies: BTreeMap<String, Value>,
    profile: Option<Value>,
    lock: Option<Table>,
}

impl Manifest {
    /// Reads the manifest of `reference` (the `Cargo.toml` next to its
    /// source folder) and, when it belongs to one, its workspace's.
    pub(crate) fn read(root: &Path, reference: &ReferenceCrate) -> Result<Manifest> {
        let src = root.join(&reference.src);
        let dir = src
            .parent()
            .with_context(|| format!("{} has no parent folder", src.display()))?;
        let path = dir.join("Cargo.toml");
        let own = read_toml(&path)?;
        let workspace = find_workspace(dir)?;
        let ws_table = workspace.as_ref().map(|(_, table)| table);
        let ws_package = ws_table
            .and_then(|t| t.get("workspace"))
            .and_then(|w| w.get("package"));
        let ws_deps = ws_table
            .and_then(|t| t.get("workspace"))
            .and_then(|w| w.get("dependencies"))
            .and_then(Value::as_table);

        let package = own.get("package").and_then(Value::as_table);
        let edition = match package.and_then(|p| p.get("edition")) {
            Some(Value::String(edition)) => edition.clone(),
            Some(Value::Table(t)) if t.get("workspace") == Some(&Value::Boolean(true)) => {
                ws_package
                    .and_then(|p| p.get("edition"))
                    .and_then(Value::as_str)
                    .unwrap_or("2021")
                    .to_owned()
            }
            _ => "2021".to_owned(),
        };
        let lib_name = own
            .get("lib")
            .and_then(|lib| lib.get("name"))
            .and_then(Value::as_str)
            .map_or_else(|| reference.crate_name(), str::to_owned);
        let resolve = |key: &str| -> Result<BTreeMap<String, Value>> {
            let mut out = BTreeMap::new();
            for (name, spec) in own.get(key).and_then(Value::as_table).into_iter().flatten() {
                if let Some(spec) = resolve_dependency(name, spec, ws_deps, &path)? {
                    out.insert(name.clone(), spec);
                }
            }
            Ok(out)
        };
        let lock = match &workspace {
            Some((ws_dir, _)) if ws_dir.join("Cargo.lock").is_file() => {
                Some(read_toml(&ws_dir.join("Cargo.lock"))?)
            }
            _ if dir.join("Cargo.lock").is_file() => Some(read_toml(&dir.join("Cargo.lock"))?),
            _ => None,
        };
        Ok(Manifest {
            package: reference.package.clone(),
            edition,
            lib_name,
            dependencies: resolve("dependencies")?,
            dev_dependencies: resolve("dev-dependencies")?,
            profile: ws_table
                .or(Some(&own))
                .and_then(|t| t.get("profile"))
                .cloned(),
            lock,
        })
    }

    /// The kit's `Cargo.toml` and, when the reference crate has a lock file,
    /// its `Cargo.lock`. `code` is all the kit's source, which says which
    /// dependencies it needs.
    pub(crate) fn kit_files(
        &self,
        id: &str,
        practice: &[String],
        code: &str,
    ) -> Result<(String, Option<String>)> {
        let used = |deps: &BTreeMap<String, Value>| -> BTreeMap<String, Value> {
            deps.iter()
                .filter(|(name, _)| mentions(code, &name.replace('-', "_")))
                .map(|(name, spec)| (name.clone(), spec.clone()))
                .collect()
        };
        let dependencies = used(&self.dependencies);
        let dev_dependencies = used(&self.dev_dependencies);

        let mut toml = format!(
            "# The practice kit of `{id}`, written by `roadbook practice` from the\n\
             # reference crate `{}`.\n\
             [package]\n\
             name = {}\n\
             version = \"0.1.0\"\n\
             edition = {}\n\
             publish = false\n\n\
             # What `roadbook practice --check` reads.\n\
             [package.metadata.roadbook]\n\
             exercise = {}\n\
             practice = [{}]\n\n\
             [lib]\n\
             # The reference crate's name: the exercise page's examples run as written.\n\
             name = {}\n",
            self.package,
            quoted(id),
            quoted(&self.edition),
            quoted(id),
            practice
                .iter()
                .map(|m| quoted(m))
                .collect::<Vec<_>>()
                .join(", "),
            quoted(&self.lib_name),
        );
        for (header, deps) in [
            ("dependencies", &dependencies),
            ("dev-dependencies", &dev_dependencies),
        ] {
            if deps.is_empty() {
                continue;
            }
            toml.push_str(&format!("\n[{header}]\n"));
            for (name, spec) in deps {
                toml.push_str(&format!("{name} = {}\n", inline(spec)));
            }
        }
        toml.push_str(
            "\n# A workspace of its own: the kit builds wherever it is unpacked.\n[workspace]\n",
        );
        if let Some(profile) = &self.profile {
            let mut table = Table::new();
            table.insert("profile".into(), profile.clone());
            toml.push('\n');
            toml.push_str(&toml::to_string(&table).context("cannot write the kit's profile")?);
        }
        let names: BTreeSet<&str> = dependencies
            .keys()
            .chain(dev_dependencies.keys())
            .map(String::as_str)
            .collect();
        let lock = self
            .lock
            .as_ref()
            .map(|lock| self.trimmed_lock(lock, id, &names))
            .transpose()?;
        Ok((toml, lock))
    }

    /// The reference lock file cut down to the packages the kit's
    /// dependencies reach, plus the kit itself.
    fn trimmed_lock(&self, lock: &Table, id: &str, names: &BTreeSet<&str>) -> Result<String> {
        let packages: Vec<&Table> = lock
            .get("package")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_table)
            .collect();
        let field =
            |p: &Table, key: &str| p.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
        let deps_of = |p: &Table| -> Vec<String> {
            p.get("dependencies")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        // `name`, `name version` or `name version (source)`.
        let find = |spec: &str| -> Option<usize> {
            let mut words = spec.split_whitespace();
            let name = words.next()?;
            let version = words.next();
            packages.iter().position(|p| {
                field(p, "name") == name && version.is_none_or(|v| field(p, "version") == v)
            })
        };
        let Some(reference) = packages
            .iter()
            .find(|p| field(p, "name") == self.package && p.get("source").is_none())
        else {
            bail!("the lock file has no entry for {}", self.package);
        };
        let roots: Vec<String> = deps_of(reference)
            .into_iter()
            .filter(|spec| {
                spec.split_whitespace()
                    .next()
                    .is_some_and(|n| names.contains(n))
            })
            .collect();
        let mut keep = BTreeSet::new();
        let mut queue: Vec<String> = roots.clone();
        while let Some(spec) = queue.pop() {
            let Some(index) = find(&spec) else {
                bail!("the lock file lists `{spec}` but has no entry for it");
            };
            if keep.insert(index) {
                queue.extend(deps_of(packages[index]));
            }
        }
        let mut kit = Table::new();
        kit.insert("name".into(), Value::String(id.to_owned()));
        kit.insert("version".into(), Value::String("0.1.0".into()));
        if !roots.is_empty() {
            kit.insert(
                "dependencies".into(),
                Value::Array(roots.into_iter().map(Value::String).collect()),
            );
        }
        let mut entries: Vec<Table> = keep.into_iter().map(|i| packages[i].clone()).collect();
        entries.push(kit);
        entries.sort_by_key(|p| (field(p, "name"), field(p, "version")));
        let mut out = Table::new();
        out.insert(
            "version".into(),
            lock.get("version").cloned().unwrap_or(Value::Integer(4)),
        );
        out.insert(
            "package".into(),
            Value::Array(entries.into_iter().map(Value::Table).collect()),
        );
        Ok(format!(
            "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\n{}",
            toml::to_string(&out).context("cannot write the kit's lock file")?
        ))
    }
}

/// A dependency with its `workspace = true` resolved; `None` for a path
/// dependency without a version (a kit cannot reach it).
fn resolve_dependency(
    name: &str,
    spec: &Value,
    workspace: Option<&Table>,
    manifest: &Path,
) -> Result<Option<Value>> {
    let Value::Table(own) = spec else {
        return Ok(Some(spec.clone()));
    };
    let mut table = if own.get("workspace") == Some(&Value::Boolean(true)) {
        match workspace.and_then(|deps| deps.get(name)) {
            Some(Value::String(version)) => {
                let mut t = Table::new();
                t.insert("version".into(), Value::String(version.clone()));
                t
            }
            Some(Value::Table(t)) => t.clone(),
            _ => bail!(
                "{}: `{name}.workspace = true`, but the workspace declares no `{name}`",
                manifest.display()
            ),
        }
    } else {
        own.clone()
    };
    if let Some(Value::Array(features)) = own.get("features") {
        let mut all: BTreeSet<String> = table
            .get("features")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(features)
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        all.retain(|f| !f.is_empty());
        table.insert(
            "features".into(),
            Value::Array(all.into_iter().map(Value::String).collect()),
        );
    }
    table.remove("workspace");
    table.remove("optional");
    if table.contains_key("path") {
        if !table.contains_key("version") {
            return Ok(None);
        }
        table.remove("path");
    }
    Ok(Some(Value::Table(table)))
}

/// The nearest folder at or above `dir` whose Cargo.toml has `[workspace]`.
fn find_workspace(dir: &Path) -> Result<Option<(PathBuf, Table)>> {
    for folder in dir.ancestors() {
        let path = folder.join("Cargo.toml");
        if path.is_file() {
            let table = read_toml(&path)?;
            if table.contains_key("workspace") {
                return Ok(Some((folder.to_path_buf(), table)));
            }
        }
    }
    Ok(None)
}

fn read_toml(path: &Path) -> Result<Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.parse::<Table>()
        .with_context(|| format!("cannot parse {}", path.display()))
}

/// Whether `code` uses the crate `name` (`name::…`).
fn mentions(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            && code[at + name.len()..].starts_with("::")
    })
}

fn quoted(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// A value written inline: `"1"`, `{ version = "0.8", features = ["std"] }`.
fn inline(value: &Value) -> String {
    match value {
        Value::Table(table) => {
            let fields: Vec<String> = table
                .iter()
                .map(|(key, value)| format!("{key} = {}", inline(value)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_is_mentioned_only_as_a_path() {
        assert!(mentions("use proptest::prelude::*;", "proptest"));
        assert!(mentions("let h = sha2::Sha256::new();", "sha2"));
        assert!(!mentions("// the proptest crate", "proptest"));
        assert!(!mentions("my_sha2::x", "sha2"));
        assert!(!mentions("crate::sha2::x", "sha2"));
    }

    #[test]
    fn workspace_dependencies_resolve_with_their_features() {
        let workspace: Table =
            r#"petgraph = { version = "0.8", default-features = false, features = ["std"] }
proptest = "1""#
                .parse()
                .unwrap();
        let own: Table = r#"petgraph = { workspace = true, features = ["graphmap"] }
proptest.workspace = true
local = { path = "../local" }
sha2 = "0.11""#
            .parse()
            .unwrap();
        let resolved = |name: &str| {
            resolve_dependency(name, &own[name], Some(&workspace), Path::new("Cargo.toml"))
                .unwrap()
                .map(|v| inline(&v))
        };
        assert_eq!(
            resolved("petgraph").as_deref(),
            Some(
                r#"{ default-features = false, features = ["graphmap", "std"], version = "0.8" }"#
            )
        );
        assert_eq!(
            resolved("proptest").as_deref(),
            Some(r#"{ version = "1" }"#)
        );
        assert_eq!(resolved("local"), None);
        assert_eq!(resolved("sha2").as_deref(), Some(r#""0.11""#));
        let mut gone = Table::new();
        gone.insert("workspace".into(), Value::Boolean(true));
        let missing = resolve_dependency(
            "gone",
            &Value::Table(gone),
            Some(&workspace),
            Path::new("Cargo.toml"),
        );
        assert!(
            missing
                .unwrap_err()
                .to_string()
                .contains("declares no `gone`")
        );
    }
}
