//! How text output meets the terminal. On a terminal, lines wrap to its width at
//! spaces only, so a path, an address or a host name is never cut; anywhere else
//! (a file, a pipe, a CI log) nothing is wrapped, and a line is as long as it is.

use miette::{GraphicalReportHandler, GraphicalTheme, MietteHandlerOpts};

/// The width to wrap standard output or standard error at: the terminal's, or
/// none when it is not a terminal.
pub fn width(stream: &impl std::io::IsTerminal) -> Option<usize> {
    if !stream.is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)).or(Some(100))
}

/// A handler for findings: wrapped at `width` at spaces, or not at all.
pub fn findings_handler(color: bool, width: Option<usize>) -> GraphicalReportHandler {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_show_related_as_nested(true)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    match width {
        Some(w) => handler.with_width(w),
        None => handler.with_wrap_lines(false),
    }
}

/// Makes errors (on standard error) wrap as findings do.
pub fn install_error_hook() {
    let width = width(&std::io::stderr());
    let _ = miette::set_hook(Box::new(move |_| {
        let opts = MietteHandlerOpts::new()
            .break_words(false)
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        let opts = match width {
            Some(w) => opts.width(w),
            None => opts.wrap_lines(false),
        };
        Box::new(opts.build())
    }));
}

pub use crate::text::{clean, clean_source};
