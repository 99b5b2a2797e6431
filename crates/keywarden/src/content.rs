//! Bytes to scannable text: binary detection, BOMs and UTF-16.

use std::borrow::Cow;

/// How much of the start of a file is checked for NUL bytes (as git does).
const BINARY_PROBE: usize = 8000;

/// What to do with a file's bytes.
#[derive(Debug)]
pub enum Content<'a> {
    /// Scan these bytes (UTF-8 or close to it; UTF-16 input is converted).
    Text(Cow<'a, [u8]>),
    /// A binary file: skip it.
    Binary,
}

impl Content<'_> {
    /// True if the text was decoded from UTF-16 (a byte-order mark said so).
    pub fn is_decoded(&self) -> bool {
        matches!(self, Content::Text(Cow::Owned(_)))
    }
}

/// Classifies `bytes`: UTF-16 with a BOM is converted to UTF-8 (line numbers are kept,
/// columns count characters either way), other data with a NUL byte in its first 8000
/// bytes is binary, and everything else is scanned as it is, invalid UTF-8 included.
pub fn classify(bytes: &[u8]) -> Content<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Content::Text(Cow::Owned(utf16(rest, u16::from_le_bytes).into_bytes()));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Content::Text(Cow::Owned(utf16(rest, u16::from_be_bytes).into_bytes()));
    }
    if memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]).is_some() {
        return Content::Binary;
    }
    Content::Text(Cow::Borrowed(bytes))
}

fn utf16(bytes: &[u8], decode: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| decode([c[0], c[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Bytes of context kept on each side of a secret when its line is longer.
const LINE_CONTEXT: usize = 1024;

/// The part of the line around `secret` that reports show, and how many characters of
/// the line were cut from its front. Short lines are kept whole; a long line (minified
/// code, a one-line data file) only around the secret, so memory per finding stays
/// bounded however long the line.
pub fn line_window(
    input: &[u8],
    secret: &std::ops::Range<usize>,
    column: usize,
) -> (String, usize) {
    let offset = secret.start.min(input.len());
    // Look for the line's ends only within the context kept: on a one-line file with
    // many findings, searching to the real ends would be quadratic.
    let low = offset.saturating_sub(LINE_CONTEXT);
    let line_start = memchr::memrchr(b'\n', &input[low..offset]).map_or(low, |p| low + p + 1);
    let secret_end = secret.end.clamp(offset, input.len());
    let high = (secret_end + LINE_CONTEXT).min(input.len());
    let line_end = memchr::memchr(b'\n', &input[offset..high]).map_or(high, |p| offset + p);
    let mut from = line_start;
    // Move to a character boundary (UTF-8 continuation bytes are 0b10xx_xxxx).
    while from < offset && (input[from] as i8) < -0x40 {
        from += 1;
    }
    let mut to = line_end;
    while to < input.len() && to > offset && (input[to] as i8) < -0x40 {
        to -= 1;
    }
    // The column says how many characters precede the secret on its line; those not
    // kept were cut.
    let kept_before = input[from..offset]
        .iter()
        .filter(|&&b| (b as i8) >= -0x40)
        .count();
    let cut = column.saturating_sub(1).saturating_sub(kept_before);
    let text = &input[from..to];
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    (String::from_utf8_lossy(text).into_owned(), cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_le_with_bom_is_converted() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "key=1\nx".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        match classify(&bytes) {
            Content::Text(t) => assert_eq!(&*t, b"key=1\nx"),
            Content::Binary => panic!("UTF-16 text taken for binary"),
        }
    }

    #[test]
    fn nul_bytes_mean_binary_and_invalid_utf8_is_text() {
        assert!(matches!(
            classify(b"\x89PNG\r\n\x1a\n\0\0"),
            Content::Binary
        ));
        assert!(matches!(classify(b"caf\xe9 token=1"), Content::Text(_)));
    }

    #[test]
    fn long_lines_are_kept_only_around_the_secret() {
        let mut input = "é".repeat(5000).into_bytes();
        let start = input.len();
        input.extend_from_slice(b"SECRET");
        input.extend(std::iter::repeat_n(b'x', 5000));
        let (text, cut) = line_window(&input, &(start..start + 6), 5001);
        assert!(text.len() <= 2 * LINE_CONTEXT + 6, "{}", text.len());
        let at = text.find("SECRET").expect("secret kept");
        assert_eq!(
            cut + text[..at].chars().count(),
            5000,
            "columns still line up"
        );
        assert_eq!(
            line_window(b"a=SECRET\r\nb", &(2..8), 3),
            ("a=SECRET".to_string(), 0)
        );
    }
}
