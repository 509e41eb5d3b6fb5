//! `cysafe server` driven over stdio with `lsp-server`'s message types, as an editor
//! would: initialize (both position encodings), open/change/close, push and pull
//! diagnostics, code actions, configuration errors, a malformed message, shutdown/exit.
//! Cancellation is driven in process (`cysafe::server::serve_with`), where a checkpoint
//! hook holds a check until the edit that cancels it has arrived.

use std::io::{BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

const BUGGY: &str = "from libc.stdlib cimport malloc, realloc, free

def grow(size_t n):
    cdef char* p = <char*> malloc(n)
    if p == NULL:
        raise MemoryError()
    label = \"é𝒳\"; p = <char*> realloc(p, 2 * n)
    p = <char*> realloc(p, 4 * n)
    free(p)
";

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: mpsc::Receiver<Message>,
    next_id: i32,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cysafe"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(message)) = Message::read(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 0,
        }
    }

    fn send(&mut self, message: Message) {
        message.write(&mut self.stdin).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.to_string(), params).into());
        id
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    fn next(&mut self) -> Message {
        self.messages
            .recv_timeout(Duration::from_secs(20))
            .expect("the server answers within 20 s")
    }

    fn response(&mut self, id: RequestId) -> Response {
        loop {
            if let Message::Response(response) = self.next() {
                if response.id == id {
                    return response;
                }
            }
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.request(method, params);
        let response = self.response(id);
        match response.response_result {
            Ok(result) => result,
            Err(error) => panic!("{method}: {error:?}"),
        }
    }

    fn notification(&mut self, method: &str, matches: impl Fn(&Value) -> bool) -> Value {
        loop {
            match self.next() {
                Message::Notification(n) if n.method == method && matches(&n.params) => {
                    return n.params
                }
                _ => {}
            }
        }
    }

    fn initialize(&mut self, root: &Path, encodings: &[&str]) -> Value {
        let uri = url::Url::from_directory_path(root).unwrap();
        let result = self.call(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "capabilities": {"general": {"positionEncodings": encodings}},
                "initializationOptions": {"debounceMs": 5},
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn shutdown(mut self) {
        assert_eq!(self.call("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

fn open(client: &mut Client, path: &Path, text: &str) -> url::Url {
    let uri = url::Url::from_file_path(path).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "cython", "version": 1, "text": text}}),
    );
    uri
}

fn published(client: &mut Client, uri: &url::Url, version: i64) -> Vec<Value> {
    let uri = uri.to_string();
    let params = client.notification("textDocument/publishDiagnostics", |params| {
        params["uri"] == uri.as_str() && params["version"] == version
    });
    params["diagnostics"].as_array().unwrap().clone()
}

#[test]
fn diagnostics_and_fixes_in_utf16_then_edited_away() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("buggy.pyx");
    std::fs::write(&path, BUGGY).unwrap();
    let mut client = Client::start(dir.path());
    let init = client.initialize(dir.path(), &[]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    let uri = open(&mut client, &path, BUGGY);

    // `    label = "é𝒳"; ` is 18 characters, 19 UTF-16 units (𝒳 takes two), 22 bytes.
    // The CY003 after it shares its line with another statement: it has no fix; the
    // one on the next line has.
    let diagnostics = published(&mut client, &uri, 1);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    let cy003 = &diagnostics[0];
    assert_eq!(cy003["code"], "CY003");
    assert_eq!(cy003["severity"], 1);
    assert_eq!(cy003["source"], "cysafe");
    assert_eq!(
        cy003["range"],
        json!({"start": {"line": 6, "character": 19}, "end": {"line": 6, "character": 48}})
    );
    assert!(cy003["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/docs/rules/CY003.md"));
    assert_eq!(
        cy003["relatedInformation"][0]["location"]["range"]["start"],
        json!({"line": 3, "character": 27})
    );
    assert_eq!(cy003["relatedInformation"][0]["message"], "allocated here");

    // Pulled diagnostics are the pushed ones.
    let pulled = client.call(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(pulled["kind"], "full");
    assert_eq!(pulled["items"], json!(diagnostics));

    // On line 6 only the noqa suppression is offered, appended after the code; on line
    // 7 CY003's fix comes first.
    let actions = client.call(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 6, "character": 20}, "end": {"line": 6, "character": 20}},
            "context": {"diagnostics": diagnostics},
        }),
    );
    assert_eq!(actions.as_array().unwrap().len(), 1, "{actions}");
    assert_eq!(actions[0]["title"], "suppress with `# noqa: CY003`");
    assert_eq!(
        actions[0]["edit"]["changes"][uri.as_str()][0],
        json!({"range": {"start": {"line": 6, "character": 48}, "end": {"line": 6, "character": 48}},
               "newText": "  # noqa: CY003"})
    );
    let actions = client.call(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 7, "character": 4}, "end": {"line": 7, "character": 4}},
            "context": {"diagnostics": diagnostics},
        }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|action| action["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "keep the result of `realloc` in `tmp`, raise `MemoryError` when it is NULL, then store it in `p`",
            "suppress with `# noqa: CY003`",
        ]
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    let edits = &actions[0]["edit"]["changes"][uri.as_str()];
    assert_eq!(
        edits,
        &json!([
            {"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}},
             "newText": "    cdef char* tmp\n"},
            {"range": {"start": {"line": 7, "character": 4}, "end": {"line": 7, "character": 5}},
             "newText": "tmp"},
            {"range": {"start": {"line": 8, "character": 0}, "end": {"line": 8, "character": 0}},
             "newText": "    if tmp == NULL:\n        free(p)\n        raise MemoryError()\n    p = tmp\n"},
        ])
    );
    // The only fix is unsafe: fixAll (safe fixes only) offers nothing.
    let fix_all = client.call(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll.cysafe"]},
        }),
    );
    assert_eq!(fix_all, json!([]));

    // Two incremental edits in a row, the second with two changes: only the last
    // version is published, and the bugs are gone from it.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 7, "character": 0}, "end": {"line": 8, "character": 0}}, "text": ""}],
        }),
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [
                {"range": {"start": {"line": 6, "character": 19}, "end": {"line": 6, "character": 20}}, "text": "grown"},
                {"range": {"start": {"line": 7, "character": 9}, "end": {"line": 7, "character": 10}}, "text": "grown"},
            ],
        }),
    );
    assert_eq!(published(&mut client, &uri, 3), Vec::<Value>::new());

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let closed = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str()
    });
    assert_eq!(closed["diagnostics"], json!([]));
    client.shutdown();
}

#[test]
fn utf8_is_used_when_the_client_offers_it_and_fix_all_applies_safe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checked.pyx");
    let text = BUGGY.replace(
        "realloc(p, 4 * n)\n",
        "realloc(p, 4 * n)\n    if p == NULL:\n        raise MemoryError()\n",
    );
    let mut client = Client::start(dir.path());
    let init = client.initialize(dir.path(), &["utf-8", "utf-16"]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = open(&mut client, &path, &text);
    let diagnostics = published(&mut client, &uri, 1);
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 6, "character": 22})
    );
    let actions = client.call(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    assert_eq!(actions[0]["kind"], "source.fixAll.cysafe");
    let new_text = actions[0]["edit"]["changes"][uri.as_str()][0]["newText"]
        .as_str()
        .unwrap();
    assert_eq!(
        new_text,
        text.replace("    cdef char* p", "    cdef char* tmp\n    cdef char* p")
            .replace(
                "    p = <char*> realloc(p, 4 * n)\n    if p == NULL:\n        raise MemoryError()\n",
                "    tmp = <char*> realloc(p, 4 * n)\n    if tmp == NULL:\n        free(p)\n        raise MemoryError()\n    p = tmp\n"
            )
    );
    client.shutdown();
}

#[test]
fn bad_messages_unknown_methods_and_bad_params_leave_the_server_serving() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    client
        .stdin
        .write_all(b"Content-Length: 9\r\n\r\n{garbage}")
        .unwrap();
    client
        .stdin
        .write_all(b"Content-Length: nine\r\n\r\n")
        .unwrap();
    let id = client.request("textDocument/hover", json!({}));
    let response = client.response(id);
    assert_eq!(response.response_result.unwrap_err().code, -32601);
    let id = client.request("textDocument/diagnostic", json!({"nonsense": true}));
    assert_eq!(
        client.response(id).response_result.unwrap_err().code,
        -32602
    );
    // A file that does not parse is a CY000, not a failure.
    let path = dir.path().join("broken.pyx");
    let uri = open(&mut client, &path, "def f(:\n");
    let diagnostics = published(&mut client, &uri, 1);
    assert_eq!(diagnostics[0]["code"], "CY000");
    client.shutdown();
}

#[test]
fn a_bad_configuration_is_shown_and_reloaded_when_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cysafe.toml");
    std::fs::write(&config, "select = [\n").unwrap();
    let path = dir.path().join("buggy.pyx");
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    let uri = open(&mut client, &path, BUGGY);
    let shown = client.notification("window/showMessage", |_| true);
    assert_eq!(shown["type"], 1);
    assert!(
        shown["message"].as_str().unwrap().contains("cysafe.toml"),
        "{shown}"
    );
    let config_uri = url::Url::from_file_path(&config).unwrap();
    let on_config = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == config_uri.as_str()
    });
    assert_eq!(on_config["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(published(&mut client, &uri, 1), Vec::<Value>::new());

    std::fs::write(&config, "select = [\"CY003\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    // The configuration's diagnostic is cleared at once, then the file is checked again.
    let cleared = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == config_uri.as_str()
    });
    assert_eq!(cleared["diagnostics"], json!([]));
    let diagnostics = published(&mut client, &uri, 1);
    assert_eq!(diagnostics.len(), 2);
    assert_eq!(diagnostics[0]["code"], "CY003");
    client.shutdown();
}

#[test]
fn a_document_is_checked_knowing_the_modules_it_cimports_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("alloc.pxd"),
        "cdef char* make_buffer(size_t n)\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("alloc.pyx"),
        "from libc.stdlib cimport malloc\n\ncdef char* make_buffer(size_t n):\n    return <char*> malloc(n)\n",
    )
    .unwrap();
    let user = "from libc.stdlib cimport free\nfrom alloc cimport make_buffer\n\ndef fill(size_t n):\n    cdef char* p = make_buffer(n)\n    p[0] = 1\n    free(p)\n";
    let path = dir.path().join("user.pyx");
    std::fs::write(&path, user).unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    // Only `user.pyx` is open: what `make_buffer` returns is read from `alloc.pyx` on
    // disk, as `cysafe check user.pyx` reads it.
    let uri = open(&mut client, &path, user);
    let diagnostics = published(&mut client, &uri, 1);
    let shown: Vec<(&str, &Value)> = diagnostics
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), &d["range"]["start"]))
        .collect();
    assert_eq!(
        shown,
        vec![("CY001", &json!({"line": 4, "character": 19}))],
        "{diagnostics:?}"
    );
    client.shutdown();
}

/// A diagnostic as a publish shows it: code, zero-based line and character.
type Shown = (String, u64, u64);

/// A server running in this process over channels, as the benchmark drives it, with a
/// checkpoint hook that lets a test hold a check at a known point.
struct InProcess {
    to_server: crossbeam_channel::Sender<cysafe::server::transport::Incoming>,
    from_server: crossbeam_channel::Receiver<Message>,
    server: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
    /// Every `publishDiagnostics` of the document, in the order the server sent them:
    /// (version, [(code, line, character)]).
    published: Vec<(i64, Vec<Shown>)>,
}

impl InProcess {
    fn start(root: &Path, checkpoint: Option<cysafe::server::CheckpointHook>) -> InProcess {
        let (to_server, incoming) = crossbeam_channel::unbounded();
        let (outgoing, from_server) = crossbeam_channel::unbounded();
        let server = std::thread::spawn(move || {
            let options = cysafe::server::ServeOptions { checkpoint };
            cysafe::server::serve_with(&incoming, &outgoing, options)
        });
        let server = InProcess {
            to_server,
            from_server,
            server: Some(server),
            published: Vec::new(),
        };
        server.send(
            Request::new(
                RequestId::from(1),
                "initialize".to_string(),
                json!({"processId": null, "capabilities": {},
                       "rootUri": url::Url::from_directory_path(root).unwrap(),
                       "initializationOptions": {"debounceMs": 0}}),
            )
            .into(),
        );
        server
    }

    fn send(&self, message: Message) {
        self.to_server
            .send(cysafe::server::transport::Incoming::Message(message))
            .unwrap();
    }

    fn edit(&self, uri: &url::Url, version: i64, text: &str) {
        self.send(
            Notification::new(
                "textDocument/didChange".to_string(),
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"text": text}]}),
            )
            .into(),
        );
    }

    /// Reads what the server sends until the publish of `version`, recording every
    /// publish on the way.
    fn until_published(&mut self, version: i64) {
        loop {
            let message = self
                .from_server
                .recv_timeout(Duration::from_secs(60))
                .expect("the server publishes within 60 s");
            if let Some(published) = self.record(message) {
                if published == version {
                    return;
                }
            }
        }
    }

    fn record(&mut self, message: Message) -> Option<i64> {
        let Message::Notification(n) = message else {
            return None;
        };
        if n.method != "textDocument/publishDiagnostics" {
            return None;
        }
        let version = n.params["version"].as_i64()?;
        let diagnostics = n.params["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let start = &d["range"]["start"];
                (
                    d["code"].as_str().unwrap().to_string(),
                    start["line"].as_u64().unwrap(),
                    start["character"].as_u64().unwrap(),
                )
            })
            .collect();
        self.published.push((version, diagnostics));
        Some(version)
    }

    /// Ends the session and records what it published up to the end.
    fn shutdown(mut self) -> Vec<(i64, Vec<Shown>)> {
        self.send(Request::new(RequestId::from(2), "shutdown".to_string(), json!(null)).into());
        self.send(Notification::new("exit".to_string(), json!(null)).into());
        let server = self.server.take().unwrap();
        server.join().unwrap().unwrap();
        while let Ok(message) = self.from_server.try_recv() {
            self.record(message);
        }
        self.published
    }
}

/// A module with `functions` functions, the one numbered `unchecked` using its block
/// before any NULL check ([`cy001_at`] its `malloc`).
fn module_with_one_bug(functions: usize, unchecked: usize) -> String {
    let mut text = String::from("from libc.stdlib cimport malloc, free\n\n");
    for i in 0..functions {
        let check = if i == unchecked {
            "    pass"
        } else {
            "    if p == NULL: raise MemoryError()"
        };
        text.push_str(&format!(
            "def f{i}(n):\n    cdef char* p = <char*> malloc(n)\n{check}\n    p[0] = 1\n    free(p)\n"
        ));
    }
    text
}

/// CY001 at the `malloc` of function `unchecked` (zero-based LSP line and character).
fn cy001_at(unchecked: usize) -> Shown {
    ("CY001".to_string(), 5 * unchecked as u64 + 3, 27)
}

/// Cancellation, proven without timing: the hook holds the check of version 2 at its
/// third checkpoint (before the analysis of its first function) and tells the test,
/// which only then sends version 3. The edit cancels the held check: it stops at that
/// checkpoint, analyzing no function, and publishes nothing; version 3 is checked in
/// full and published; version 2 never is, before or after.
#[test]
fn an_edit_cancels_the_running_check_and_its_stale_result_is_never_published() {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.pyx");
    let (held, held_signal) = crossbeam_channel::unbounded::<()>();
    // Per version: how many checkpoints its check passed, and how many found it cancelled.
    let seen: Arc<Mutex<HashMap<i32, (usize, usize)>>> = Arc::default();
    let hook: cysafe::server::CheckpointHook = {
        let seen = seen.clone();
        Arc::new(move |_path, version, token| {
            let count = {
                let mut seen = seen.lock().unwrap();
                let entry = seen.entry(version).or_default();
                entry.0 += 1;
                entry.0
            };
            if version == 2 && count == 3 {
                held.send(()).unwrap();
                while !token.is_cancelled() {
                    std::thread::yield_now();
                }
            }
            if token.is_cancelled() {
                seen.lock().unwrap().entry(version).or_default().1 += 1;
            }
        })
    };
    let mut server = InProcess::start(dir.path(), Some(hook));
    let uri = url::Url::from_file_path(&path).unwrap();
    server.send(
        Notification::new(
            "textDocument/didOpen".to_string(),
            json!({"textDocument": {"uri": uri, "languageId": "cython", "version": 1,
                                    "text": module_with_one_bug(6, 0)}}),
        )
        .into(),
    );
    server.until_published(1);
    server.edit(&uri, 2, &module_with_one_bug(6, 2));
    held_signal
        .recv_timeout(Duration::from_secs(60))
        .expect("the check of version 2 reaches its third checkpoint");
    server.edit(&uri, 3, &module_with_one_bug(6, 4));
    server.until_published(3);
    let published = server.shutdown();
    assert_eq!(published, [(1, vec![cy001_at(0)]), (3, vec![cy001_at(4)])]);
    let seen = seen.lock().unwrap();
    // Version 2 stopped at the checkpoint it was held at, the only one that found it
    // cancelled; version 3 went through every checkpoint: before its start, after
    // lowering, before each of its 7 functions (6 and the module's body), before the
    // rules.
    assert_eq!(seen[&2], (3, 1));
    assert_eq!(seen[&3], (10, 0));
}

/// A burst of edits, each sent without waiting: whatever the scheduling, the versions
/// published only grow, each publish describes its own version's text, and the last
/// version is published.
#[test]
fn published_versions_only_grow_and_describe_their_own_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("burst.pyx");
    let mut server = InProcess::start(dir.path(), None);
    let uri = url::Url::from_file_path(&path).unwrap();
    server.send(
        Notification::new(
            "textDocument/didOpen".to_string(),
            json!({"textDocument": {"uri": uri, "languageId": "cython", "version": 1,
                                    "text": module_with_one_bug(8, 1)}}),
        )
        .into(),
    );
    for version in 2..=20 {
        server.edit(&uri, version, &module_with_one_bug(8, version as usize % 8));
    }
    server.until_published(20);
    let published = server.shutdown();
    assert_eq!(published.last().unwrap().0, 20);
    for pair in published.windows(2) {
        assert!(pair[0].0 < pair[1].0, "{published:?}");
    }
    for (version, diagnostics) in &published {
        assert_eq!(
            diagnostics,
            &[cy001_at(*version as usize % 8)],
            "version {version}"
        );
    }
}

/// The `(code, range)` of each diagnostic, its lines moved by `shift`.
fn located(diagnostics: &[Value], shift: i64) -> Vec<(Value, Value)> {
    let moved = |position: &Value| {
        json!({
            "line": position["line"].as_i64().unwrap() + shift,
            "character": position["character"],
        })
    };
    diagnostics
        .iter()
        .map(|diagnostic| {
            let range = &diagnostic["range"];
            (
                diagnostic["code"].clone(),
                json!({"start": moved(&range["start"]), "end": moved(&range["end"])}),
            )
        })
        .collect()
}

#[test]
fn the_editor_text_is_read_as_check_reads_the_saved_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path(), &[]);
    let plain = open(&mut client, &dir.path().join("plain.pyx"), BUGGY);
    let expected = located(&published(&mut client, &plain, 1), 0);
    assert_eq!(expected.len(), 2);
    assert_eq!(
        expected[0],
        (
            json!("CY003"),
            json!({"start": {"line": 6, "character": 19}, "end": {"line": 6, "character": 48}})
        )
    );

    // A NUL in a comment is a space: no syntax error, the same bugs a line lower.
    let path = dir.path().join("nul.pyx");
    let uri = open(&mut client, &path, &format!("# a NUL: \0\n{BUGGY}"));
    let diagnostics = published(&mut client, &uri, 1);
    assert_eq!(located(&diagnostics, -1), expected, "{diagnostics:?}");

    // Out of the comment, the NUL makes the text binary: `check` refuses such a file,
    // and says so where the NUL is.
    let edit = |version: i64, end: u32, text: &str| {
        json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": end}},
                "text": text,
            }],
        })
    };
    client.notify("textDocument/didChange", edit(2, 1, "x = 1 "));
    assert_eq!(
        published(&mut client, &uri, 2),
        vec![json!({
            "range": {"start": {"line": 0, "character": 14}, "end": {"line": 0, "character": 15}},
            "severity": 1,
            "source": "cysafe",
            "message": "cysafe cannot check this file: binary file (contains a NUL byte), not source",
        })]
    );
    client.notify("textDocument/didChange", edit(3, 6, "#"));
    assert_eq!(located(&published(&mut client, &uri, 3), -1), expected);

    // Old Mac line ends: each lone `\r` ends a line, for the grammar and for positions.
    let mac = open(
        &mut client,
        &dir.path().join("mac.pyx"),
        &BUGGY.replace('\n', "\r"),
    );
    assert_eq!(located(&published(&mut client, &mac, 1), 0), expected);
    client.shutdown();
}
