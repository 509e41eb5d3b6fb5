//! Writing to standard output: whether to colour it, and what to do when the reader
//! leaves early.

use std::io::{self, IsTerminal, Write};

/// `--color`: whether output carries ANSI colour escapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal; `FORCE_COLOR`/`CLICOLOR_FORCE` colour anything, `NO_COLOR` nothing.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether standard output gets colour, after the environment's conventions.
    pub fn enabled(self) -> bool {
        self.enabled_with(
            |name| std::env::var_os(name),
            std::io::stdout().is_terminal(),
        )
    }

    /// `auto` as ruff resolves it: a forcing variable (FORCE_COLOR non-empty, or
    /// CLICOLOR_FORCE non-empty and not `0`) wins, since CI logs that render colour set it
    /// on purpose; then NO_COLOR (non-empty) turns colour off; then only a terminal gets it.
    fn enabled_with(
        self,
        var: impl Fn(&str) -> Option<std::ffi::OsString>,
        terminal: bool,
    ) -> bool {
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if set("FORCE_COLOR").is_some()
                    || set("CLICOLOR_FORCE").is_some_and(|value| value != "0")
                {
                    true
                } else if set("NO_COLOR").is_some() {
                    false
                } else {
                    terminal
                }
            }
        }
    }
}

/// Passes writes through until the reader closes the pipe, then drops the rest.
///
/// `cysafe check . | head -1` must still exit 1 when diagnostics were found, so a closed
/// pipe cannot end the run with an error (or the default SIGPIPE death): the commands
/// finish, compute their status, and only the bytes nobody would read are lost.
pub struct ClosedPipeTolerant<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> ClosedPipeTolerant<W> {
    pub fn new(inner: W) -> Self {
        ClosedPipeTolerant {
            inner,
            closed: false,
        }
    }

    /// Whether the reader went away.
    pub fn is_closed(&self) -> bool {
        self.closed
    }
}

impl<W: Write> Write for ClosedPipeTolerant<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    fn auto(vars: &[(&str, &str)], terminal: bool) -> bool {
        ColorChoice::Auto.enabled_with(
            |name| {
                vars.iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.into())
            },
            terminal,
        )
    }

    #[test]
    fn color_follows_the_environment() {
        assert!(auto(&[], true));
        assert!(!auto(&[], false));
        assert!(auto(&[("FORCE_COLOR", "1")], false));
        assert!(!auto(&[("FORCE_COLOR", "")], false));
        assert!(auto(&[("CLICOLOR_FORCE", "1")], false));
        assert!(!auto(&[("CLICOLOR_FORCE", "0")], false));
        assert!(!auto(&[("NO_COLOR", "1")], true));
        assert!(auto(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], false));
        assert!(!ColorChoice::Never.enabled_with(|_| Some("1".into()), true));
    }

    #[test]
    fn a_closed_pipe_swallows_the_rest() {
        let mut out = ClosedPipeTolerant::new(Closed);
        assert_eq!(out.write(b"abc").unwrap(), 3);
        assert!(out.is_closed());
        out.write_all(b"more").unwrap();
        out.flush().unwrap();
    }

    #[test]
    fn other_errors_pass_through() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut out = ClosedPipeTolerant::new(Full);
        assert_eq!(out.write(b"x").unwrap_err().to_string(), "disk full");
        assert!(!out.is_closed());
    }
}
