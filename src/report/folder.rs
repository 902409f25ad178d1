//! Whole-folder outputs: every command that writes an output folder writes into a staging
//! folder beside it (`.<name>.staging-<pid>-<n>`) and swaps it in when everything is
//! written, so the target always holds exactly one complete output, or the previous one
//! untouched.
//!
//! The writers of a staging folder's files need not sync them: the commit syncs them all to
//! disk at once (the waits for the disk overlapping) before it writes the marker and swaps the
//! folder in, so the files are on disk before the folder is in place.
//!
//! The swap renames the old folder aside, the staging folder in, and removes the old one,
//! holding an exclusive lock on the parent folder so that two processes writing the same
//! target end with one complete output (the last to finish). A finished folder holds a
//! marker, [`MARKER`], listing the SHA-256 of every file: a target holding anything else
//! is refused unless forced, `scsim plot` refuses a folder whose files do not match it, and
//! `scsim merge` checks every shard file against it. Staging folders of processes that are
//! gone (killed) are removed by the next command writing beside them; an interrupted swap
//! is undone. The staging folders of this process are removed by [`abort`] (called on
//! Ctrl-C and SIGTERM).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::unique_suffix;

/// The marker file of a finished output folder: its kind and each file's SHA-256.
pub const MARKER: &str = ".scsim-output";

/// The staging folders of this process not yet swapped in (removed by [`abort`]).
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Why an output folder could not be prepared, checked or swapped in.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The target holds something that is not an output of scsim.
    #[error(
        "{0} exists and is not an output folder of scsim (no {MARKER} in it); \
         choose another --out, or give --force to replace it"
    )]
    NotOutput(PathBuf),
    /// The target has no folder name of its own (`.`, `..`, `/`), so it cannot be replaced.
    #[error("{0} names no folder that can be replaced whole: give a folder name, e.g. output/run1")]
    NoName(PathBuf),
    /// A file or folder could not be read, written or renamed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The folder has no marker, so its files cannot be shown to belong together.
    #[error(
        "{0}: no {MARKER}, so nothing shows that summary.json and the other files are of one \
         finished run; only a folder written whole by `scsim run` or `scsim merge` can be read"
    )]
    Unmarked(PathBuf),
    /// The folder's files do not match its marker (mixed or edited).
    #[error("{folder}: {file} does not match {MARKER} ({why}): the folder is not one complete output")]
    Mismatch {
        /// The folder.
        folder: PathBuf,
        /// The file.
        file: String,
        /// How it differs.
        why: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FolderError + '_ {
    move |source| FolderError::Io { path: path.to_path_buf(), source }
}

/// The content of [`MARKER`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// scsim version that wrote the folder.
    pub scsim_version: String,
    /// What wrote it (`run`, `run-shard`, `sweep`, `sweep-shard`, `optimize`).
    pub kind: String,
    /// SHA-256 (hex) of every file, by path relative to the folder (with `/`).
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// Reads the marker of `folder`; `None` if there is none.
    pub fn read(folder: &Path) -> Result<Option<Manifest>, FolderError> {
        let path = folder.join(MARKER);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| FolderError::Mismatch {
                folder: folder.to_path_buf(),
                file: MARKER.into(),
                why: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(FolderError::Io { path, source }),
        }
    }

    /// Checks that `file` (relative to `folder`) is listed with the SHA-256 of its bytes.
    pub fn verify(&self, folder: &Path, file: &str) -> Result<(), FolderError> {
        let mismatch = |why: &str| FolderError::Mismatch {
            folder: folder.to_path_buf(),
            file: file.into(),
            why: why.into(),
        };
        let sum = sha256_file(&folder.join(file)).map_err(io(&folder.join(file)))?;
        match self.files.get(file) {
            None => Err(mismatch("not listed")),
            Some(listed) if *listed != sum => Err(mismatch("its checksum differs")),
            Some(_) => Ok(()),
        }
    }
}

/// SHA-256 of `bytes` in hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of the file at `path` in hex, read a piece at a time (a run's `replications.csv`
/// may be hundreds of megabytes: never read whole into memory).
fn sha256_file(path: &Path) -> std::io::Result<String> {
    sha256_of(&mut File::open(path)?)
}

/// SHA-256 of what is left to read of `file`, in hex, read a piece at a time.
fn sha256_of(file: &mut File) -> std::io::Result<String> {
    let (mut hasher, mut buffer) = (Sha256::new(), vec![0u8; 1 << 16]);
    hash_rest(file, &mut hasher, &mut buffer)?;
    Ok(hex(&hasher.finalize()))
}

/// Adds what is left to read of `file` (up to its current end) to `hasher`, a `buffer` at a
/// time.
pub(crate) fn hash_rest(file: &mut File, hasher: &mut Sha256, buffer: &mut [u8]) -> std::io::Result<()> {
    loop {
        match file.read(buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => hasher.update(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Bytes in lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An output folder being written: files go into [`Staging::path`], and
/// [`Staging::commit`] swaps it in. Dropped uncommitted, the staging folder is removed.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    done: bool,
    /// The SHA-256 of the files already sealed while they were written (by path).
    sealed: Mutex<BTreeMap<PathBuf, String>>,
}

impl Staging {
    /// Prepares to replace `target`: refuses a target that is not a scsim output unless
    /// `force`, cleans what killed processes left beside it, and creates the staging folder.
    /// With `resume`, the saved sweep points of the target and of killed processes' staging
    /// folders are carried into the new staging folder.
    pub fn begin(target: &Path, force: bool, resume: bool) -> Result<Staging, FolderError> {
        if target.file_name().is_none() {
            return Err(FolderError::NoName(target.to_path_buf()));
        }
        let parent = parent_of(target);
        fs::create_dir_all(&parent).map_err(io(&parent))?;
        let _lock = lock(&parent)?;
        if !force {
            check_target(target)?;
        }
        let dir = sibling(target, "staging");
        fs::create_dir(&dir).map_err(io(&dir))?;
        ACTIVE.lock().unwrap_or_else(|e| e.into_inner()).push(dir.clone());
        let staging = Staging { target: target.to_path_buf(), dir, done: false, sealed: Mutex::default() };
        if resume {
            copy_points(&target.join("points"), &staging.dir)?;
        }
        clean_stale(target, resume.then_some(staging.dir.as_path()))?;
        Ok(staging)
    }

    /// The staging folder to write into.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The folder the output will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Notes the SHA-256 of the file at `path` in the staging folder, if it was hashed while
    /// it was written (`sum`, as the streamed files' `finish` returns it) and is not to be
    /// changed: the commit syncs it without reading it again.
    pub fn note_sealed(&self, path: &Path, sum: Option<String>) {
        if let Some(sum) = sum {
            self.sealed.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_path_buf(), sum);
        }
    }

    /// Syncs every file to disk, writes the marker (`kind` and every file's SHA-256) and
    /// swaps the staging folder in place of the target.
    pub fn commit(mut self, kind: &str) -> Result<(), FolderError> {
        let mut names = Vec::new();
        list_files(&self.dir, "", &mut names)?;
        let sealed = std::mem::take(self.sealed.get_mut().unwrap_or_else(|e| e.into_inner()));
        let files = seal(&self.dir, names, &sealed)?;
        let manifest = Manifest { scsim_version: crate::VERSION.into(), kind: kind.into(), files };
        let marker = self.dir.join(MARKER);
        let bytes = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
        super::write_atomic(&marker, &bytes).map_err(io(&marker))?;
        let parent = parent_of(&self.target);
        let _lock = lock(&parent)?;
        let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        swap(&self.dir, &self.target)?;
        active.retain(|d| *d != self.dir);
        self.done = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
            let _ = fs::remove_dir_all(&self.dir);
            active.retain(|d| *d != self.dir);
        }
    }
}

/// Removes every staging folder of this process and exits with `code` (on Ctrl-C or
/// SIGTERM). The registry stays locked until the exit, so no staging folder is swapped in
/// meanwhile; a swap already under way finishes first.
pub fn abort(code: i32) -> ! {
    let active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    for dir in active.iter() {
        let _ = fs::remove_dir_all(dir);
    }
    std::process::exit(code)
}

/// Replaces `target` with `staging`: old aside, new in, old removed.
fn swap(staging: &Path, target: &Path) -> Result<(), FolderError> {
    let aside = if fs::symlink_metadata(target).is_ok() {
        let aside = sibling(target, "old");
        fs::rename(target, &aside).map_err(io(target))?;
        Some(aside)
    } else {
        None
    };
    if let Err(source) = fs::rename(staging, target) {
        if let Some(aside) = &aside {
            let _ = fs::rename(aside, target);
        }
        return Err(FolderError::Io { path: target.to_path_buf(), source });
    }
    if let Some(aside) = aside {
        remove_any(&aside).map_err(io(&aside))?;
    }
    Ok(())
}

fn remove_any(path: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Refuses a target that exists and is neither an empty folder nor a scsim output.
fn check_target(target: &Path) -> Result<(), FolderError> {
    let Ok(meta) = fs::symlink_metadata(target) else { return Ok(()) };
    if !meta.is_dir() {
        return Err(FolderError::NotOutput(target.to_path_buf()));
    }
    let empty = fs::read_dir(target).map_err(io(target))?.next().is_none();
    if empty || target.join(MARKER).is_file() {
        Ok(())
    } else {
        Err(FolderError::NotOutput(target.to_path_buf()))
    }
}

/// The folder holding `target`.
fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The prefix of the hidden siblings of `target` of kind `what` (`staging` or `old`).
fn sibling_prefix(target: &Path, what: &str) -> String {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!(".{name}.{what}-")
}

/// A new, unique hidden sibling of `target`: `.<name>.<what>-<pid>-<n>@<host>`.
fn sibling(target: &Path, what: &str) -> PathBuf {
    parent_of(target).join(format!("{}{}@{}", sibling_prefix(target, what), unique_suffix(), host()))
}

/// This machine's name (Linux; elsewhere empty).
fn host() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default()
}

/// Whether the process that made a sibling named `...-<pid>-<n>@<host>` is gone: it ran on
/// this machine and its pid is not alive. Only Linux can tell (by /proc); elsewhere, and
/// for folders of other machines (a shared file system), stale siblings are kept.
fn owner_gone(name: &str, prefix: &str) -> bool {
    let Some((id, made_on)) = name.strip_prefix(prefix).and_then(|rest| rest.split_once('@')) else {
        return false;
    };
    let Some(Ok(pid)) = id.split('-').next().map(str::parse::<u32>) else { return false };
    cfg!(target_os = "linux")
        && made_on == host()
        && pid != std::process::id()
        && !Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes the staging folders of killed processes beside `target` (first carrying their
/// saved points into `keep_points`, if given) and puts back a target that a killed swap
/// left aside.
fn clean_stale(target: &Path, keep_points: Option<&Path>) -> Result<(), FolderError> {
    let parent = parent_of(target);
    let (staging, old) = (sibling_prefix(target, "staging"), sibling_prefix(target, "old"));
    for entry in fs::read_dir(&parent).map_err(io(&parent))? {
        let entry = entry.map_err(io(&parent))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if owner_gone(&name, &staging) {
            if let Some(dir) = keep_points {
                copy_points(&path.join("points"), dir)?;
            }
            remove_any(&path).map_err(io(&path))?;
        } else if owner_gone(&name, &old) {
            if fs::symlink_metadata(target).is_err() {
                fs::rename(&path, target).map_err(io(&path))?;
            } else {
                remove_any(&path).map_err(io(&path))?;
            }
        }
    }
    Ok(())
}

/// Copies the saved sweep points (`NNNNN.json`) of `from` into `staging/points/`, keeping
/// any already there.
fn copy_points(from: &Path, staging: &Path) -> Result<(), FolderError> {
    let Ok(entries) = fs::read_dir(from) else { return Ok(()) };
    let to = staging.join("points");
    fs::create_dir_all(&to).map_err(io(&to))?;
    for entry in entries {
        let entry = entry.map_err(io(from))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let point = name
            .strip_suffix(".json")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let dest = to.join(&name);
        if point && entry.file_type().is_ok_and(|t| t.is_file()) && !dest.exists() {
            let bytes = fs::read(entry.path()).map_err(io(&entry.path()))?;
            super::write_atomic(&dest, &bytes).map_err(io(&dest))?;
        }
    }
    Ok(())
}

/// Every file under `dir` but the marker (relative names with `/`).
fn list_files(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), FolderError> {
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let kind = entry.file_type().map_err(io(&entry.path()))?;
        if kind.is_dir() {
            list_files(&entry.path(), &format!("{name}/"), out)?;
        } else if name != MARKER {
            out.push(name);
        }
    }
    Ok(())
}

/// Threads that sync a folder's files.
const SYNC_THREADS: usize = 8;

/// The SHA-256 of each of the files `names` of `dir`, each synced to disk on the way (those
/// in `sealed` are only synced: their sums are known). The files' writers need not sync them
/// ([`super::write_staged_with`]): here [`SYNC_THREADS`] threads wait for the disk at once
/// instead of one file after another.
fn seal(
    dir: &Path,
    names: Vec<String>,
    sealed: &BTreeMap<PathBuf, String>,
) -> Result<BTreeMap<String, String>, FolderError> {
    let sums = at_once(dir, &names, |path| {
        // Opened for writing too: some systems sync only a file open for writing.
        let mut file = fs::OpenOptions::new().read(true).write(true).open(path)?;
        let sum = match sealed.get(path) {
            Some(sum) => sum.clone(),
            None => sha256_of(&mut file)?,
        };
        file.sync_all()?;
        Ok(sum)
    })?;
    Ok(names.into_iter().zip(sums).collect())
}

/// Syncs to disk the files under `dir` whose names (relative, with `/`) `rewritten` picks:
/// for a finished folder some of whose files are rewritten in place, outside a staging folder
/// (`scsim plot`). The others are left alone (they may be read-only).
pub fn sync_files(dir: &Path, rewritten: impl Fn(&str) -> bool) -> Result<(), FolderError> {
    let mut names = Vec::new();
    list_files(dir, "", &mut names)?;
    names.retain(|name| rewritten(name));
    at_once(dir, &names, |path| fs::OpenOptions::new().write(true).open(path)?.sync_all())?;
    Ok(())
}

/// `each` of the files `names` of `dir`, in [`SYNC_THREADS`] threads at once; the results in
/// the order of `names`, or the first failure in that order.
fn at_once<T: Send>(
    dir: &Path,
    names: &[String],
    each: impl Fn(&Path) -> std::io::Result<T> + Sync,
) -> Result<Vec<T>, FolderError> {
    let per_thread = names.len().div_ceil(SYNC_THREADS).max(1);
    let each = &each;
    let results: Vec<Vec<_>> = std::thread::scope(|s| {
        let threads: Vec<_> = (names.chunks(per_thread))
            .map(|chunk| s.spawn(move || chunk.iter().map(|name| each(&dir.join(name))).collect()))
            .collect();
        threads.into_iter().map(|t| t.join().expect("syncing a file never panics")).collect()
    });
    let results = names.iter().zip(results.into_iter().flatten());
    results.map(|(name, r)| r.map_err(io(&dir.join(name)))).collect()
}

/// An exclusive lock on `folder`, held until dropped (Unix; elsewhere no lock).
fn lock(folder: &Path) -> Result<Option<File>, FolderError> {
    if !cfg!(unix) {
        return Ok(None);
    }
    let file = File::open(folder).map_err(io(folder))?;
    file.lock().map_err(io(folder))?;
    Ok(Some(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_hashed_in_pieces_has_the_sha256_of_its_bytes() {
        // The published SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let dir = tempfile::tempdir().unwrap();
        // Several reads' worth, ending in a partial piece; and an empty file.
        let bytes: Vec<u8> = (0..3 * (1 << 16) + 17).map(|i: u32| (i * 31 % 251) as u8).collect();
        fs::write(dir.path().join("big"), &bytes).unwrap();
        fs::write(dir.path().join("empty"), b"").unwrap();
        assert_eq!(sha256_file(&dir.path().join("big")).unwrap(), sha256(&bytes));
        assert_eq!(
            sha256_file(&dir.path().join("empty")).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(sha256_file(&dir.path().join("missing")).is_err());
    }

    fn marker_kind(dir: &Path) -> String {
        Manifest::read(dir).unwrap().unwrap().kind
    }

    #[test]
    fn a_commit_replaces_the_whole_folder_and_lists_every_file() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let first = Staging::begin(&target, false, false).unwrap();
        fs::write(first.path().join("old-only.csv"), "x").unwrap();
        first.commit("run").unwrap();
        let second = Staging::begin(&target, false, false).unwrap();
        fs::create_dir(second.path().join("plots")).unwrap();
        fs::write(second.path().join("plots/a.svg"), "svg").unwrap();
        second.commit("sweep").unwrap();
        assert!(!target.join("old-only.csv").exists());
        assert_eq!(marker_kind(&target), "sweep");
        let manifest = Manifest::read(&target).unwrap().unwrap();
        assert_eq!(manifest.files.keys().collect::<Vec<_>>(), ["plots/a.svg"]);
        assert_eq!(manifest.files["plots/a.svg"], sha256(b"svg"));
        manifest.verify(&target, "plots/a.svg").unwrap();
        fs::write(target.join("plots/a.svg"), "edited").unwrap();
        assert!(manifest.verify(&target, "plots/a.svg").is_err());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1, "no debris beside the target");
    }

    #[test]
    fn a_noted_sum_is_listed_without_reading_the_file_again() {
        // The commit takes a sealed file's sum as noted (here deliberately not its bytes' sum,
        // to show it is not recomputed) and hashes the others; a failure names the file.
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let staging = Staging::begin(&target, false, false).unwrap();
        for name in ["a.csv", "b.csv", "c.csv"] {
            fs::write(staging.path().join(name), name).unwrap();
        }
        staging.note_sealed(&staging.path().join("b.csv"), Some("noted".into()));
        staging.commit("run").unwrap();
        let manifest = Manifest::read(&target).unwrap().unwrap();
        assert_eq!(manifest.files["b.csv"], "noted");
        assert_eq!(manifest.files["a.csv"], sha256(b"a.csv"));
        assert_eq!(manifest.files["c.csv"], sha256(b"c.csv"));
        sync_files(&target, |name| name != "b.csv").unwrap();
        let e = at_once(&target, &["a.csv".into(), "missing".into()], |p| fs::read(p)).unwrap_err();
        assert!(e.to_string().contains("missing"), "{e}");
    }

    #[test]
    fn a_folder_that_is_not_an_output_is_refused_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("mine");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("thesis.tex"), "x").unwrap();
        let e = Staging::begin(&target, false, false).unwrap_err();
        assert!(e.to_string().contains("--force"), "{e}");
        assert!(target.join("thesis.tex").exists());
        Staging::begin(&target, true, false).unwrap().commit("run").unwrap();
        assert!(!target.join("thesis.tex").exists());
    }

    #[test]
    fn a_target_without_a_name_of_its_own_is_refused() {
        for target in [".", "..", "/", "a/.."] {
            let e = Staging::begin(Path::new(target), true, false).unwrap_err();
            assert!(matches!(e, FolderError::NoName(_)), "{target}: {e}");
        }
    }

    #[test]
    fn a_dropped_staging_folder_leaves_the_target_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let first = Staging::begin(&target, false, false).unwrap();
        fs::write(first.path().join("a"), "1").unwrap();
        first.commit("run").unwrap();
        let second = Staging::begin(&target, false, false).unwrap();
        fs::write(second.path().join("a"), "2").unwrap();
        drop(second);
        assert_eq!(fs::read(target.join("a")).unwrap(), b"1");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn stale_folders_of_dead_processes_are_cleaned_and_their_points_kept_on_resume() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        // A pid above the kernel's maximum (4194304) is never alive.
        let stale = tmp.path().join(format!(".out.staging-999999999-1@{}", host()));
        let elsewhere = tmp.path().join(".out.staging-999999999-1@another-host");
        fs::create_dir(&elsewhere).unwrap();
        fs::create_dir_all(stale.join("points")).unwrap();
        fs::write(stale.join("points/00003.json"), "{}").unwrap();
        fs::write(stale.join("points/.00004.json.tmp-1"), "half").unwrap();
        let aside = tmp.path().join(format!(".out.old-999999999-2@{}", host()));
        fs::create_dir(&aside).unwrap();
        fs::write(aside.join(MARKER), "{}").unwrap();
        let staging = Staging::begin(&target, false, true).unwrap();
        assert!(!stale.exists() && !aside.exists());
        assert!(elsewhere.exists(), "a folder of another machine may belong to a live process");
        assert!(target.join(MARKER).exists(), "a target left aside by a killed swap is put back");
        let carried: Vec<_> =
            fs::read_dir(staging.path().join("points")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(carried, ["00003.json"]);
    }
}
