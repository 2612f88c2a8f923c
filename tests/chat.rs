//! `hearth chat`, `parse` and `home` as a person or a script meets them:
//! hostile input, broken files, one reply per line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hearth-chat-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn hearth(args: &[&str], data: &Path, home: Option<&Path>, input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(args)
        .arg("--model")
        .arg(root().join("models"))
        .arg("--home")
        .arg(home.map(Path::to_path_buf).unwrap_or_else(|| root().join("homes/example.toml")))
        .arg("--data-dir")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn one_reply_per_line_whatever_the_line() {
    let data = temp_dir("lines");
    let mut input = Vec::new();
    input.extend_from_slice(b"turn on the kitchen light\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(&vec![b'x'; 10 * 1024]);
    input.extend_from_slice(b"\n\xff\xfe not utf-8\r\n");
    input.extend_from_slice("把它关了".as_bytes()); // the last line has no ending
    let out = hearth(&["chat"], &data, None, &input);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let replies: Vec<&str> = stdout.lines().collect();
    assert_eq!(replies.len(), 5, "{stdout}");
    assert_eq!(replies[0], "Turned on the kitchen light.");
    assert!(replies[1].contains("listening"), "{}", replies[1]);
    assert!(replies[2].contains("too long"), "{}", replies[2]);
    assert!(!replies[3].is_empty());
    assert_eq!(replies[4], "已关闭厨房灯。");
    std::fs::remove_dir_all(data).unwrap();
}

#[test]
fn json_turns_and_state_survives_a_restart() {
    let data = temp_dir("json");
    let out = hearth(&["chat", "--json", "--user", "ana"], &data, None, b"dim the desk lamp to 30%\n");
    let turn: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(turn["intent"], "set_brightness");
    assert_eq!(turn["resolved"]["devices"][0], "office.desk_lamp");
    assert_eq!(turn["actions"][0]["command"], "set_brightness");
    assert_eq!(turn["actions"][0]["value"], 30);
    let out = hearth(&["home"], &data, None, b"");
    let listing = String::from_utf8(out.stdout).unwrap();
    let lamp = listing.lines().find(|l| l.contains("office.desk_lamp")).unwrap();
    assert!(lamp.contains("\"brightness\":30"), "{lamp}");
    let out = hearth(&["parse"], &data, None, b"turn off the bedroom lights\n");
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed["resolved"]["area"], "bedroom");
    assert!(parsed.get("reply").is_none());
    std::fs::remove_dir_all(data).unwrap();
}

#[test]
fn broken_files_are_named() {
    let data = temp_dir("broken");
    let home = data.join("home.toml");
    std::fs::write(&home, "name = \"x\"\n[[devices]]\nid = \"lamp\"\nnames = [\"lamp\"]\nkind = \"toaster\"\n")
        .unwrap();
    let out = hearth(&["chat"], &data, Some(&home), b"hello\n");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("home.toml:5:") && stderr.contains("toaster"), "{stderr}");

    std::fs::create_dir_all(data.join("users")).unwrap();
    std::fs::write(data.join("users/ana.profile"), b"not a profile").unwrap();
    let out = hearth(&["chat", "--user", "ana"], &data, None, b"what's my name\n");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ana.profile") && stderr.contains("moved to"), "{stderr}");
    let moved = std::fs::read_dir(data.join("users")).unwrap().any(|e| {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        name.starts_with("ana.profile.corrupt-")
    });
    assert!(moved, "the corrupt profile is kept aside");
    std::fs::remove_dir_all(data).unwrap();
}
