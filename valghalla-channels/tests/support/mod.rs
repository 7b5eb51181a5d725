//! A real SMTP server for the tests: `mailbox_server.py` (Debian's `python3-aiosmtpd`) in a
//! child process on a free loopback port, writing what it receives to a folder.
//!
//! Without aiosmtpd the tests skip and say so on stderr (uncaptured); with `VALGHALLA_REQUIRE_SMTP=1` (set by
//! `.ci/run`) they fail instead.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The interpreter that has `python3-aiosmtpd` (Debian's, not one on `PATH`).
const PYTHON: &str = "/usr/bin/python3";

/// A running mail server; stopped (by its own process id) when dropped.
pub struct MailServer {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
    folder: tempfile::TempDir,
}

/// One message the server accepted.
pub struct Received {
    /// The bytes the client sent after DATA.
    pub raw: Vec<u8>,
    /// MAIL FROM, RCPT TO and how the session was protected.
    pub envelope: serde_json::Value,
}

impl MailServer {
    /// Starts a server with `args` (see `mailbox_server.py`), or returns `None` after saying
    /// loudly that `test` is skipped because aiosmtpd is missing. Panics under
    /// `VALGHALLA_REQUIRE_SMTP=1` instead of skipping.
    pub fn start(test: &str, args: &[&str]) -> Option<MailServer> {
        if !aiosmtpd_available() {
            let why = format!("{PYTHON} cannot import aiosmtpd (apt-get install python3-aiosmtpd)");
            assert!(
                std::env::var("VALGHALLA_REQUIRE_SMTP").as_deref() != Ok("1"),
                "VALGHALLA_REQUIRE_SMTP=1 but {why}"
            );
            // Straight to stderr, past the test harness's capture, so the skip is seen.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: {test}: {why}; set VALGHALLA_REQUIRE_SMTP=1 to make this a failure"
            );
            return None;
        }
        let folder = tempfile::tempdir().expect("temporary folder");
        let mut child = Command::new(PYTHON)
            .arg(script())
            .arg("--maildir")
            .arg(folder.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start mailbox_server.py");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the mail server did not print its port within 20 s");
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the mail server printed {line:?}, not a port"));
        Some(MailServer {
            child,
            port,
            folder,
        })
    }

    /// The messages accepted so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let new = self.folder.path().join("new");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&new)
            .map(|dir| {
                dir.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .map(|eml| Received {
                raw: std::fs::read(eml).expect("read message"),
                envelope: read_json(&eml.with_extension("json")),
            })
            .collect()
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        // Closing stdin asks it to stop; the kill makes sure, by this child's own id.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read envelope")).expect("envelope JSON")
}

/// The server script, found from any crate of the workspace (the portal's mail test shares this
/// module).
fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../valghalla-channels/tests/support/mailbox_server.py")
}

fn aiosmtpd_available() -> bool {
    Command::new(PYTHON)
        .args(["-c", "import aiosmtpd.smtp"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
