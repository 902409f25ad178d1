//! A large file of a staging folder sealed while it is still being written: synced to disk and
//! hashed in the background, so that neither the wait for the disk nor reading the file back
//! for its checksum follows the run ([`folder::Staging::commit`](super::folder::Staging::commit)
//! then only syncs what is left).

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, SyncSender};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

use super::folder::{hash_rest, hex};

/// A thread that, each time it is nudged ([`Sealing::nudge`]), syncs a file's data to disk and
/// adds what was appended to it since to the file's SHA-256; nudges that come while one waits
/// to start are one. Dropped without [`Sealing::finish`] (the file abandoned), it stops the
/// thread after the sync under way and waits for it: no handle of the file is left open.
pub(crate) struct Sealing {
    nudges: Option<SyncSender<()>>,
    abandoned: Arc<AtomicBool>,
    thread: Option<JoinHandle<io::Result<String>>>,
}

impl Sealing {
    /// Starts sealing `file`, only ever appended to, found at `path`.
    pub(crate) fn start(file: &File, path: &Path) -> io::Result<Sealing> {
        let file = file.try_clone()?;
        // A handle of its own, so that its reading does not move the writer's position.
        let mut reader = File::open(path)?;
        let (nudges, pending) = mpsc::sync_channel::<()>(1);
        let abandoned = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&abandoned);
        let thread = std::thread::spawn(move || {
            let (mut hasher, mut buffer) = (Sha256::new(), vec![0u8; 1 << 16]);
            // The first failure ends the thread and is kept for `finish`: a failed sync is
            // not reported again by the next one.
            while pending.recv().is_ok() && !stop.load(Ordering::Relaxed) {
                file.sync_data()?;
                hash_rest(&mut reader, &mut hasher, &mut buffer)?;
            }
            if stop.load(Ordering::Relaxed) {
                return Ok(String::new()); // Abandoned: nobody reads the sum.
            }
            // The writer is done: the rest of the file.
            hash_rest(&mut reader, &mut hasher, &mut buffer)?;
            Ok(hex(&hasher.finalize()))
        });
        Ok(Sealing { nudges: Some(nudges), abandoned, thread: Some(thread) })
    }

    /// Asks for what is written so far to be synced and hashed (once the work under way, if
    /// any, ends).
    pub(crate) fn nudge(&self) {
        // Full: a nudge already waits and will take this data too. Disconnected: a sync or a
        // read failed, and `finish` says so.
        if let Some(nudges) = &self.nudges {
            let _ = nudges.try_send(());
        }
    }

    /// Once the file is written whole: its SHA-256 (hex), or the first failure.
    pub(crate) fn finish(mut self) -> io::Result<String> {
        drop(self.nudges.take());
        self.thread.take().expect("not finished").join().expect("sealing a file never panics")
    }
}

impl Drop for Sealing {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            self.abandoned.store(true, Ordering::Relaxed);
            drop(self.nudges.take());
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A new file `f` in a temporary folder, being sealed.
    fn sealing_a_new_file() -> (tempfile::TempDir, std::path::PathBuf, File, Sealing) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let file = File::create_new(&path).unwrap();
        let sealing = Sealing::start(&file, &path).unwrap();
        (dir, path, file, sealing)
    }

    #[test]
    fn the_sum_is_that_of_every_byte_written_between_and_after_nudges() {
        let (_dir, path, mut file, sealing) = sealing_a_new_file();
        let mut all = Vec::new();
        for k in 0..50u32 {
            let piece = k.to_le_bytes().repeat(1000 + k as usize);
            file.write_all(&piece).unwrap();
            all.extend_from_slice(&piece);
            if k % 3 == 0 {
                sealing.nudge();
            }
        }
        file.write_all(b"the last bytes, after the last nudge").unwrap();
        all.extend_from_slice(b"the last bytes, after the last nudge");
        assert_eq!(sealing.finish().unwrap(), crate::report::folder::sha256(&all));
        assert_eq!(std::fs::read(&path).unwrap(), all);
    }

    #[test]
    fn an_abandoned_file_is_not_read_further_and_can_be_removed() {
        // Dropped unfinished (a failed run), the thread stops and closes its handles: the
        // file can be removed at once, on every system.
        let (_dir, path, mut file, sealing) = sealing_a_new_file();
        file.write_all(&[7u8; 100_000]).unwrap();
        sealing.nudge();
        drop(sealing);
        drop(file);
        std::fs::remove_file(&path).unwrap();
        assert!(!path.exists());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_failed_sync_is_reported_by_finish() {
        // Linux refuses to sync /dev/null (EINVAL): the failure surfaces at the end, not lost.
        let null = File::options().write(true).open("/dev/null").unwrap();
        let sealing = Sealing::start(&null, Path::new("/dev/null")).unwrap();
        sealing.nudge();
        sealing.nudge();
        assert!(sealing.finish().is_err());
    }
}
