//! Crash-safe files: atomic replacement and quarantine of corrupt files.
//!
//! A save never leaves a half-written file behind: the bytes go to a temporary
//! file in the same folder, which is flushed to disk and renamed over the old
//! file, and the folder itself is flushed so the rename survives power loss.
//! A file that cannot be read back is moved aside, never overwritten.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Errors from saving or quarantining a file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An I/O step failed.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> StoreError + 'a {
    move |source| StoreError::Io { what, path: path.to_path_buf(), source }
}

/// Replaces `path` with `bytes` atomically: after a crash the file holds either
/// the old or the new bytes, never a mixture. Creates the parent folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io("creating folder", dir))?;
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut file =
            OpenOptions::new().write(true).create(true).truncate(true).open(&tmp).map_err(io("creating", &tmp))?;
        file.write_all(bytes).map_err(io("writing", &tmp))?;
        file.sync_all().map_err(io("flushing", &tmp))?;
        fs::rename(&tmp, path).map_err(io("renaming into place", path))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Moves a corrupt file aside to `<name>.corrupt-<unix seconds>` (or with a
/// counter when that exists) and returns the new path. The content is kept for
/// a person to inspect.
pub fn quarantine(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let mut target = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_file_name(format!("{name}.corrupt-{stamp}-{n}"));
        n += 1;
    }
    fs::rename(path, &target).map_err(io("moving aside", path))?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(target)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    File::open(dir).and_then(|d| d.sync_all()).map_err(io("flushing folder", dir))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hearth-store-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_whole_file_and_leaves_no_temp() {
        let dir = temp_dir("replace");
        let path = dir.join("a.bin");
        write_atomic(&path, b"first version, long").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn quarantine_keeps_content() {
        let dir = temp_dir("quarantine");
        let path = dir.join("p.profile");
        fs::write(&path, b"junk").unwrap();
        let moved = quarantine(&path).unwrap();
        assert!(!path.exists());
        assert_eq!(fs::read(&moved).unwrap(), b"junk");
        fs::write(&path, b"junk2").unwrap();
        let moved2 = quarantine(&path).unwrap();
        assert_ne!(moved, moved2);
        fs::remove_dir_all(dir).unwrap();
    }
}

/// How long the background writer waits after a write before the next one.
const COALESCE: std::time::Duration = std::time::Duration::from_millis(200);

/// Saves a file in the background: [`BackgroundWriter::save`] hands over the
/// bytes and returns at once; a thread writes them with [`write_atomic`]. When
/// saves come faster than the disk, only the newest bytes are written, at most one write per 200 ms. Dropping
/// the writer waits until the last save is on disk, and no longer.
pub struct BackgroundWriter {
    sender: Option<std::sync::mpsc::Sender<Vec<u8>>>,
    thread: Option<std::thread::JoinHandle<()>>,
    errors: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl BackgroundWriter {
    /// A writer for `path`.
    pub fn new(path: PathBuf) -> Self {
        let (sender, receiver) = std::sync::mpsc::channel::<Vec<u8>>();
        let errors = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let thread_errors = errors.clone();
        let thread = std::thread::spawn(move || {
            let write = |bytes: &[u8]| {
                if let Err(e) = write_atomic(&path, bytes) {
                    thread_errors.lock().expect("not poisoned").push(e.to_string());
                }
            };
            let mut pending: Option<Vec<u8>> = None;
            loop {
                let Some(mut bytes) = pending.take().or_else(|| receiver.recv().ok()) else { return };
                while let Ok(newer) = receiver.try_recv() {
                    bytes = newer;
                }
                write(&bytes);
                // Saves arriving in the next COALESCE are merged into one
                // write; when the writer is dropped meanwhile, the newest is
                // written at once instead of at the end of the wait.
                let deadline = std::time::Instant::now() + COALESCE;
                loop {
                    let left = deadline.saturating_duration_since(std::time::Instant::now());
                    match receiver.recv_timeout(left) {
                        Ok(newer) => pending = Some(newer),
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => break,
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                            if let Some(bytes) = pending.take() {
                                write(&bytes);
                            }
                            return;
                        }
                    }
                }
            }
        });
        BackgroundWriter { sender: Some(sender), thread: Some(thread), errors }
    }

    /// Queues `bytes` to be written.
    pub fn save(&self, bytes: Vec<u8>) {
        if let Some(sender) = &self.sender {
            // The thread only ends when the sender is dropped, so this cannot fail.
            let _ = sender.send(bytes);
        }
    }

    /// Errors from earlier writes, since the last call.
    pub fn take_errors(&self) -> Vec<String> {
        std::mem::take(&mut *self.errors.lock().expect("not poisoned"))
    }
}

impl Drop for BackgroundWriter {
    fn drop(&mut self) {
        self.sender.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for BackgroundWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackgroundWriter").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod background_tests {
    use super::*;

    #[test]
    fn last_save_is_on_disk_after_drop() {
        let dir = std::env::temp_dir().join(format!("hearth-bg-{}", std::process::id()));
        let path = dir.join("state.json");
        let writer = BackgroundWriter::new(path.clone());
        for i in 0..100 {
            writer.save(format!("{i}").into_bytes());
        }
        drop(writer);
        assert_eq!(fs::read(&path).unwrap(), b"99");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_save_during_the_wait_is_written_at_drop() {
        let dir = std::env::temp_dir().join(format!("hearth-bg-wait-{}", std::process::id()));
        let path = dir.join("state.json");
        let writer = BackgroundWriter::new(path.clone());
        writer.save(b"first".to_vec());
        // Let the first write happen; the writer then waits for more.
        while fs::read(&path).ok().as_deref() != Some(b"first".as_slice()) {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        writer.save(b"second".to_vec());
        drop(writer);
        assert_eq!(fs::read(&path).unwrap(), b"second");
        fs::remove_dir_all(dir).unwrap();
    }
}
