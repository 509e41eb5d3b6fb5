//! `cysafe server` driven over stdio with `lsp-server`'s message types, as an editor
//! would: initialize (both position encodings), open/change/close, push and pull
//! diagnostics, code actions, configuration errors, a malformed message, shutdown/exit.

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
             "newText": "    if tmp == NULL:\n        raise MemoryError()\n    p = tmp\n"},
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
                "    tmp = <char*> realloc(p, 4 * n)\n    if tmp == NULL:\n        raise MemoryError()\n    p = tmp\n"
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
    let diagnostics = published(&mut client, &uri, 1);
    assert_eq!(diagnostics.len(), 2);
    assert_eq!(diagnostics[0]["code"], "CY003");
    let cleared = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == config_uri.as_str()
    });
    assert_eq!(cleared["diagnostics"], json!([]));
    client.shutdown();
}
