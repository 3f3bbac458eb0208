//! A practice kit as a `.zip` for the built book: stored entries in path
//! order under one `ID/` folder, every timestamp 1980-01-01 and every mode
//! 0644, so two builds give the same bytes.

use std::io::{Cursor, Write};

use anyhow::{Context, Result};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::practice::Kit;

/// The bytes of `kit`'s zip.
pub(crate) fn zip(kit: &Kit) -> Result<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    // `files` is a BTreeMap: entries come in path order.
    for (path, bytes) in &kit.files {
        writer
            .start_file(format!("{}/{path}", kit.id), options)
            .with_context(|| format!("cannot add {path} to the kit's zip"))?;
        writer
            .write_all(bytes)
            .with_context(|| format!("cannot add {path} to the kit's zip"))?;
    }
    Ok(writer
        .finish()
        .context("cannot finish the kit's zip")?
        .into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::io::Read;

    fn kit() -> Kit {
        let mut files = BTreeMap::new();
        files.insert("src/lib.rs".to_owned(), b"pub mod a;\n".to_vec());
        files.insert("Cargo.toml".to_owned(), b"[package]\n".to_vec());
        Kit {
            id: "w01-x".into(),
            files,
            practice: vec!["a".into()],
            todo: BTreeMap::new(),
        }
    }

    #[test]
    fn the_zip_unpacks_to_the_kit_in_its_folder() {
        let bytes = zip(&kit()).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
            .collect();
        assert_eq!(names, ["w01-x/Cargo.toml", "w01-x/src/lib.rs"]);
        let mut text = String::new();
        archive
            .by_name("w01-x/src/lib.rs")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "pub mod a;\n");
        let entry = archive.by_index(0).unwrap();
        assert_eq!(entry.last_modified(), Some(DateTime::default()));
        assert_eq!(entry.unix_mode(), Some(0o100644));
    }

    #[test]
    fn the_same_kit_gives_the_same_bytes() {
        assert_eq!(zip(&kit()).unwrap(), zip(&kit()).unwrap());
        let mut other = kit();
        other.files.insert("README.md".into(), b"# x\n".to_vec());
        assert_ne!(zip(&kit()).unwrap(), zip(&other).unwrap());
    }
}
