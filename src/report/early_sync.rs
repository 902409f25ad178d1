//! Syncing a large file to disk while it is still being written, so that the wait for the
//! disk overlaps the run instead of following it.

use std::fs::File;
use std::io;
use std::sync::mpsc::{self, SyncSender};
use std::thread::JoinHandle;

/// A thread that syncs a file's data to disk each time it is nudged
/// ([`EarlySync::nudge`]); nudges that come while a sync waits to start are one. Dropped
/// without [`EarlySync::finish`], the thread ends after the sync under way.
pub(crate) struct EarlySync {
    nudges: SyncSender<()>,
    thread: JoinHandle<io::Result<()>>,
}

impl EarlySync {
    /// Starts the thread, on its own handle of `file`.
    pub(crate) fn start(file: &File) -> io::Result<EarlySync> {
        let file = file.try_clone()?;
        let (nudges, pending) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::spawn(move || {
            // The first failure ends the thread and is kept for `finish`: a failed sync is
            // not reported again by the next one.
            while pending.recv().is_ok() {
                file.sync_data()?;
            }
            Ok(())
        });
        Ok(EarlySync { nudges, thread })
    }

    /// Asks for what is written so far to be synced (once the sync under way, if any, ends).
    pub(crate) fn nudge(&self) {
        // Full: a sync is already waiting to start and will take this data too. Disconnected:
        // a sync failed, and `finish` says so.
        let _ = self.nudges.try_send(());
    }

    /// Waits for the syncs asked for; the first failure, if any.
    pub(crate) fn finish(self) -> io::Result<()> {
        let EarlySync { nudges, thread } = self;
        drop(nudges);
        thread.join().expect("syncing a file never panics")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek, Write};

    #[test]
    fn nudged_syncs_leave_every_byte_written_and_report_success() {
        let dir = tempfile::tempdir().unwrap();
        let mut file =
            File::options().read(true).write(true).create_new(true).open(dir.path().join("f")).unwrap();
        let early = EarlySync::start(&file).unwrap();
        for k in 0..50u32 {
            file.write_all(&k.to_le_bytes().repeat(1000)).unwrap();
            early.nudge();
        }
        early.finish().unwrap();
        let mut back = Vec::new();
        file.rewind().unwrap();
        file.read_to_end(&mut back).unwrap();
        assert_eq!(back.len(), 50 * 4000);
        assert_eq!(&back[49 * 4000..49 * 4000 + 4], &49u32.to_le_bytes());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_failed_sync_is_reported_by_finish() {
        // Linux refuses to sync /dev/null (EINVAL): the failure surfaces at the end, not lost.
        let null = File::options().write(true).open("/dev/null").unwrap();
        let early = EarlySync::start(&null).unwrap();
        early.nudge();
        early.nudge();
        assert!(early.finish().is_err());
    }
}
